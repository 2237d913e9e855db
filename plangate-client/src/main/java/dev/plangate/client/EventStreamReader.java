package dev.plangate.client;

import java.util.Iterator;
import java.util.function.BooleanSupplier;

import org.jspecify.annotations.Nullable;

/**
 * Reads a Server-Sent Events stream line by line: an event's {@code id}, {@code event}
 * name and {@code data} (lines joined with a newline), handed over at the blank line that
 * ends it. Comments (keep-alives) and unknown fields are skipped.
 */
final class EventStreamReader {

	/** One event as sent; {@code data} is empty when it had none. */
	record Event(@Nullable String id, @Nullable String name, String data) {
	}

	/** What is done with each event; answers true to stop reading. */
	interface Handler {

		boolean on(Event event);

	}

	private EventStreamReader() {
	}

	/**
	 * Reads until the lines end, {@code stopped} says so, or the handler answers true.
	 */
	static void read(Iterator<String> lines, BooleanSupplier stopped, Handler handler) {
		String id = null;
		String name = null;
		var data = new StringBuilder();
		boolean hasData = false;
		while (!stopped.getAsBoolean() && lines.hasNext()) {
			var line = lines.next();
			if (line.isEmpty()) {
				if ((name != null || hasData) && handler.on(new Event(id, name, data.toString()))) {
					return;
				}
				id = null;
				name = null;
				data.setLength(0);
				hasData = false;
			}
			else if (line.startsWith("id:")) {
				id = line.substring(3).trim();
			}
			else if (line.startsWith("event:")) {
				name = line.substring(6).trim();
			}
			else if (line.startsWith("data:")) {
				if (hasData) {
					data.append('\n');
				}
				data.append(line.substring(line.startsWith("data: ") ? 6 : 5));
				hasData = true;
			}
		}
	}

}
