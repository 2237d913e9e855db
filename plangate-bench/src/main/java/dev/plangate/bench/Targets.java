package dev.plangate.bench;

import java.io.PrintStream;

/**
 * The targets, each met or missed, gathered from every section that ran for the
 * closing summary: any section records its own with {@link #check} or {@link #ratio}.
 */
final class Targets {

	private final Table table = new Table("target", "measured", "");

	private int met;

	private int missed;

	/** Records a target and answers the PASS or MISS to print beside the figure. */
	String check(String target, boolean met, String measured) {
		String verdict = met ? "PASS" : "MISS";
		table.row(target, measured, verdict);
		if (met) {
			this.met++;
		}
		else {
			missed++;
		}
		return verdict;
	}

	/**
	 * A target of a ratio to a baseline of the same run: met at {@code minimum} or more.
	 */
	String ratio(String target, double ratio, double minimum) {
		return check(target, ratio >= minimum, Double.isFinite(ratio) ? Table.ratio(ratio) : "not measured");
	}

	/** A target that could not be measured in this run, which counts as missed. */
	String notMeasured(String target, String why) {
		return check(target, false, "not measured: " + why);
	}

	void print(PrintStream out) {
		if (met + missed > 0) {
			out.printf("== Targets: %d PASS, %d MISS%n", met, missed);
			table.print(out);
		}
	}

}
