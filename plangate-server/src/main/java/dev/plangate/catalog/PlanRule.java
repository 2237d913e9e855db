package dev.plangate.catalog;

import java.util.List;

/**
 * A rule a plan must meet beyond the catalog's own, set by another module (a payment
 * provider requires a price id on paid plans, say). Checked for every plan of a catalog
 * file at start-up and for every plan written through the API.
 */
public interface PlanRule {

	/**
	 * What is wrong with a plan under this rule, each problem starting with
	 * {@code plan '<key>': <field>}; empty when nothing is.
	 */
	List<String> problems(PlanDefinition plan);

}
