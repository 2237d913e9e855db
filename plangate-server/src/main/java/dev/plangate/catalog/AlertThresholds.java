package dev.plangate.catalog;

import java.util.ArrayList;
import java.util.List;

/**
 * The shares of a quota's limit at which a usage alert fires: whole percents from
 * {@value #MIN} to {@value #MAX}, ascending, each once. The catalog, the setting
 * {@code plangate.alerts.default-thresholds} and a customer's own thresholds are held to
 * the same rule.
 */
public final class AlertThresholds {

	public static final int MIN = 1;

	public static final int MAX = 1000;

	/** The most thresholds one feature may have. */
	public static final int MAX_COUNT = 20;

	private AlertThresholds() {
	}

	/**
	 * What is wrong with {@code thresholds}, one sentence each; empty when nothing is.
	 */
	public static List<String> problems(List<Integer> thresholds) {
		var problems = new ArrayList<String>();
		if (thresholds.isEmpty()) {
			problems.add("must name at least one threshold");
		}
		if (thresholds.size() > MAX_COUNT) {
			problems.add("must name at most " + MAX_COUNT + " thresholds, not " + thresholds.size());
		}
		for (int i = 0; i < thresholds.size(); i++) {
			int t = thresholds.get(i);
			if (t < MIN || t > MAX) {
				problems.add("[" + i + "] must be a percent from " + MIN + " to " + MAX + ", not " + t);
			}
			else if (i > 0 && t <= thresholds.get(i - 1)) {
				problems.add("[" + i + "] must be greater than the threshold before it (" + thresholds.get(i - 1)
						+ "): list them ascending, each once");
			}
		}
		return problems;
	}

}
