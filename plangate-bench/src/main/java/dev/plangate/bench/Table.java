package dev.plangate.bench;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** A text table: the first column left-aligned, the others right-aligned. */
final class Table {

	private final List<String[]> rows = new ArrayList<>();

	Table(String... headers) {
		rows.add(headers);
	}

	Table row(String... cells) {
		rows.add(cells);
		return this;
	}

	void print(PrintStream out) {
		int columns = rows.stream().mapToInt(r -> r.length).max().orElse(0);
		var widths = new int[columns];
		for (var row : rows) {
			for (int i = 0; i < row.length; i++) {
				widths[i] = Math.max(widths[i], row[i].length());
			}
		}
		for (var row : rows) {
			var line = new StringBuilder();
			for (int i = 0; i < row.length; i++) {
				String padding = " ".repeat(widths[i] - row[i].length());
				line.append(i == 0 ? row[i] + padding : "  " + padding + row[i]);
			}
			out.println(line.toString().stripTrailing());
		}
		out.println();
	}

	static String count(double value) {
		return String.format("%,.0f", value);
	}

	static String millis(double value) {
		return String.format("%.3f", value);
	}

	static String ratio(double value) {
		return String.format("%.2fx", value);
	}

	/** 10 s, 1.5 s, 500 ms. */
	static String duration(Duration duration) {
		long millis = duration.toMillis();
		return millis % 1000 == 0 ? millis / 1000 + " s"
				: millis > 1000 ? String.format("%.1f s", millis / 1000.0) : millis + " ms";
	}

}
