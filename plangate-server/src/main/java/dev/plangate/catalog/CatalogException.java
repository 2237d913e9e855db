package dev.plangate.catalog;

import java.util.List;

/** A catalog that cannot be used, with every problem found in it. */
public class CatalogException extends RuntimeException {

	private final List<String> problems;

	public CatalogException(String source, List<String> problems) {
		super("Catalog " + source + " has " + problems.size() + " problem" + (problems.size() == 1 ? "" : "s")
				+ ":\n  - " + String.join("\n  - ", problems));
		this.problems = List.copyOf(problems);
	}

	public List<String> problems() {
		return problems;
	}

}
