package dev.plangate.bench;

import java.io.PrintStream;

/** The targets, each met or missed, gathered for the closing summary. */
final class Targets {

	private final Table table = new Table("target", "measured", "");

	private boolean any;

	/** Records a target and answers the PASS or MISS to print beside the figure. */
	String check(String target, boolean met, String measured) {
		String verdict = met ? "PASS" : "MISS";
		table.row(target, measured, verdict);
		any = true;
		return verdict;
	}

	void print(PrintStream out) {
		if (any) {
			out.println("== Targets");
			table.print(out);
		}
	}

}
