package dev.plangate.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.ToLongFunction;

import org.jspecify.annotations.Nullable;

import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordedThread;
import jdk.jfr.consumer.RecordingFile;

/**
 * Where one JFR recording's CPU time and allocations went: the methods most often running
 * when a CPU sample was taken, as the top frame (self) and anywhere on the stack (total);
 * the server's samples by the library the running code belongs to and by the kind of
 * thread that ran it; and the sites that allocated the most, with the GC pauses and
 * allocation rate.
 *
 * <p>
 * The server and the load generator share this process, so every figure is split by
 * thread: the load generator's are the threads named {@value #LOAD_THREADS}* (the bench's
 * {@code Load} and batch threads) and any stack with a frame of the bench's own package
 * (its main thread, which starts and stops the recordings); every other thread is the
 * server's (Tomcat's {@code http-nio-*-exec-*} threads, or {@code tomcat-handler-*}
 * virtual threads where they are on, the ledger's writer, the scheduler, the connection
 * pool), since the server never calls the bench's code.
 */
final class JfrSummary {

	/** What to print of a recording. */
	enum Part {

		/** Methods by CPU samples, self and total. */
		CPU,

		/** The server's allocation sites. */
		ALLOC

	}

	/** Whose thread an event happened on. */
	enum Group {

		SERVER, LOAD;

		static Group of(@Nullable RecordedThread thread, @Nullable RecordedStackTrace stack) {
			String name = thread == null ? null : thread.getJavaName();
			boolean bench = (name != null && name.startsWith(LOAD_THREADS)) || (stack != null && stack.getFrames()
				.stream()
				.anyMatch(frame -> frame.getMethod().getType().getName().startsWith(BENCH_PACKAGE)));
			return bench ? LOAD : SERVER;
		}

	}

	static final String LOAD_THREADS = "bench-";

	private static final String BENCH_PACKAGE = JfrSummary.class.getPackageName() + ".";

	private static final int TOP = 15;

	/** Frames of these packages are passed over to find the code that allocated. */
	private static final List<String> JDK_PACKAGES = List.of("java.", "jdk.", "sun.");

	/**
	 * Frames passed over to find the library whose code was running: the JDK's, and the
	 * servlet API's wrappers, whose work is their caller's.
	 */
	private static final List<String> PASSED_OVER = List.of("java.", "jdk.", "sun.", "jakarta.");

	/** A sample whose stack has only frames passed over (a scheduler's, a poller's). */
	static final String JDK_ONLY = "JDK only (schedulers, I/O pollers)";

	/**
	 * Libraries by the packages of their classes, the first match counting: the server's
	 * own code, the HTTP stack's layers, the JSON and database and Redis clients, and the
	 * metrics.
	 */
	private static final List<Map.Entry<String, String>> LIBRARIES = List.of(Map.entry("dev.plangate.", "Plangate"),
			Map.entry("org.apache.", "Tomcat"), Map.entry("org.springframework.security.", "Spring Security"),
			Map.entry("org.springframework.web.", "Spring MVC"), Map.entry("org.springframework.http.", "Spring MVC"),
			Map.entry("org.springframework.jdbc.", "Spring JDBC and transactions"),
			Map.entry("org.springframework.transaction.", "Spring JDBC and transactions"),
			Map.entry("org.springframework.", "Spring, other"), Map.entry("tools.jackson.", "Jackson (JSON)"),
			Map.entry("com.fasterxml.jackson.", "Jackson (JSON)"),
			Map.entry("org.postgresql.", "PgJDBC and HikariCP (database client)"),
			Map.entry("com.zaxxer.hikari.", "PgJDBC and HikariCP (database client)"),
			Map.entry("org.h2.", "H2 (the embedded database)"),
			Map.entry("io.lettuce.", "Lettuce and Netty (Redis client)"),
			Map.entry("io.netty.", "Lettuce and Netty (Redis client)"), Map.entry("io.micrometer.", "Micrometer"),
			Map.entry("ch.qos.logback.", "logging"), Map.entry("org.slf4j.", "logging"));

	private final Tally samples = new Tally();

	private final Map<String, Tally> self = new HashMap<>();

	private final Map<String, Tally> total = new HashMap<>();

	private final Map<String, Tally> libraries = new HashMap<>();

	private final Map<String, Tally> threads = new HashMap<>();

	private final Tally allocated = new Tally();

	private final Map<String, Tally> sites = new HashMap<>();

	private long truncated;

	private long collections;

	private Duration pauses = Duration.ZERO;

	private JfrSummary() {
	}

	/** Counts per thread group. */
	private static final class Tally {

		private final long[] byGroup = new long[Group.values().length];

		void add(Group group, long amount) {
			byGroup[group.ordinal()] += amount;
		}

		long of(Group group) {
			return byGroup[group.ordinal()];
		}

		long all() {
			long all = 0;
			for (long amount : byGroup) {
				all += amount;
			}
			return all;
		}

	}

	/**
	 * A stretch of wall-clock time: a measured window, which an event belongs to when it
	 * started in it.
	 */
	record Span(Instant from, Instant to) {

		Span {
			if (to.isBefore(from)) {
				throw new IllegalArgumentException("A span ends before it starts: " + from + " to " + to);
			}
		}

		boolean contains(Instant time) {
			return !time.isBefore(from) && time.isBefore(to);
		}

		double seconds() {
			return Duration.between(from, to).toNanos() / 1e9;
		}

	}

	static JfrSummary read(Path file) throws IOException {
		var summary = new JfrSummary();
		try (var recording = new RecordingFile(file)) {
			while (recording.hasMoreEvents()) {
				summary.add(recording.readEvent());
			}
		}
		return summary;
	}

	/**
	 * The summaries of the spans of one recording, read once: each event counts in the
	 * span it started in, and in none when it started outside them all (a warm-up, the
	 * time between runs).
	 */
	static List<JfrSummary> cut(Path file, List<Span> spans) throws IOException {
		var summaries = spans.stream().map(span -> new JfrSummary()).toList();
		try (var recording = new RecordingFile(file)) {
			while (recording.hasMoreEvents()) {
				var event = recording.readEvent();
				var started = event.getStartTime();
				for (int i = 0; i < spans.size(); i++) {
					if (spans.get(i).contains(started)) {
						summaries.get(i).add(event);
						break;
					}
				}
			}
		}
		return summaries;
	}

	/** CPU samples taken. */
	long samples() {
		return samples.all();
	}

	/** CPU samples with the method ({@code class.method}) anywhere on the stack. */
	long samplesThrough(String method) {
		var tally = total.get(method);
		return tally == null ? 0 : tally.all();
	}

	/** Bytes allocated, as sampled, by all threads. */
	long allocatedBytes() {
		return allocated.all();
	}

	private void add(RecordedEvent event) {
		switch (event.getEventType().getName()) {
			case "jdk.ExecutionSample" -> {
				var thread = event.getThread("sampledThread");
				sampled(Group.of(thread, event.getStackTrace()), thread, event.getStackTrace());
			}
			case "jdk.ObjectAllocationSample" ->
				allocated(Group.of(event.getThread("eventThread"), event.getStackTrace()), event.getStackTrace(),
						type(event.getClass("objectClass").getName()), event.getLong("weight"));
			case "jdk.GarbageCollection" -> {
				collections++;
				pauses = pauses.plus(event.getDuration("sumOfPauses"));
			}
			default -> {
			}
		}
	}

	private void sampled(Group group, @Nullable RecordedThread thread, @Nullable RecordedStackTrace stack) {
		samples.add(group, 1);
		if (group == Group.SERVER) {
			tally(threads, threadKind(thread == null ? null : thread.getJavaName()), group, 1);
		}
		if (stack == null || stack.getFrames().isEmpty()) {
			return;
		}
		truncated += stack.isTruncated() ? 1 : 0;
		var frames = stack.getFrames();
		tally(self, method(frames.get(0)), group, 1);
		if (group == Group.SERVER) {
			tally(libraries, library(frames.stream().map(frame -> frame.getMethod().getType().getName()).toList()),
					group, 1);
		}
		// a method counts once a sample, however often it recurs on the stack
		Set<String> methods = new HashSet<>();
		frames.forEach(frame -> methods.add(method(frame)));
		methods.forEach(method -> tally(total, method, group, 1));
	}

	private void allocated(Group group, @Nullable RecordedStackTrace stack, String type, long bytes) {
		allocated.add(group, bytes);
		if (group != Group.SERVER || stack == null || stack.getFrames().isEmpty()) {
			return;
		}
		var site = stack.getFrames()
			.stream()
			.filter(frame -> JDK_PACKAGES.stream().noneMatch(frame.getMethod().getType().getName()::startsWith))
			.findFirst()
			.orElse(stack.getFrames().get(0));
		tally(sites, method(site) + " (" + type + ")", group, bytes);
	}

	/**
	 * The library whose code a sample found running: that of the innermost frame outside
	 * the JDK and the servlet API ({@code types}, the frames' classes, innermost first).
	 */
	static String library(List<String> types) {
		for (var type : types) {
			if (PASSED_OVER.stream().anyMatch(type::startsWith)) {
				continue;
			}
			return LIBRARIES.stream()
				.filter(library -> type.startsWith(library.getKey()))
				.map(Map.Entry::getValue)
				.findFirst()
				.orElse("other: " + packageOf(type));
		}
		return JDK_ONLY;
	}

	private static String packageOf(String type) {
		int dot = type.lastIndexOf('.');
		return dot < 0 ? type : type.substring(0, dot);
	}

	/**
	 * A thread's name with its numbers as {@code #}, so that a pool's threads count as
	 * one kind.
	 */
	static String threadKind(@Nullable String name) {
		return name == null || name.isEmpty() ? "(unnamed)" : name.replaceAll("\\d+", "#");
	}

	private static void tally(Map<String, Tally> tallies, String key, Group group, long amount) {
		tallies.computeIfAbsent(key, k -> new Tally()).add(group, amount);
	}

	private static String method(RecordedFrame frame) {
		return type(frame.getMethod().getType().getName()) + "." + frame.getMethod().getName();
	}

	/**
	 * A class's name as in source: {@code byte[]} for {@code [B}, and a lambda's class
	 * without the address and number that differ from run to run.
	 */
	private static String type(String name) {
		if (!name.startsWith("[")) {
			return name.replaceAll("\\$\\$Lambda.*", "\\$\\$Lambda");
		}
		String element = type(name.substring(1));
		return switch (element) {
			case "B" -> "byte";
			case "C" -> "char";
			case "I" -> "int";
			case "J" -> "long";
			case "Z" -> "boolean";
			case "S" -> "short";
			case "F" -> "float";
			case "D" -> "double";
			default ->
				element.startsWith("L") && element.endsWith(";") ? element.substring(1, element.length() - 1) : element;
		} + "[]";
	}

	/** Prints the summary line and the tables asked for; {@code seconds} recorded. */
	void print(PrintStream out, Set<Part> parts, double seconds) {
		out.printf(
				"%,d CPU samples in %.1f s: server %s, load generator %s (threads named %s* and the bench's own code)%s; GC: %,d "
						+ "collections, %,d ms paused; allocated (sampled): server %,.0f MB/s, load generator %,.0f MB/s%n",
				samples.all(), seconds, percent(samples.of(Group.SERVER), samples.all()),
				percent(samples.of(Group.LOAD), samples.all()), LOAD_THREADS, truncation(), collections,
				pauses.toMillis(), allocated.of(Group.SERVER) / 1e6 / seconds,
				allocated.of(Group.LOAD) / 1e6 / seconds);
		if (parts.contains(Part.CPU)) {
			methods(out, "method, self (top frame of the CPU samples)", self);
			methods(out, "method, total (anywhere on the stack)", total);
			servers(out, "server's samples by library (innermost frame outside java., jdk., sun., jakarta.)",
					libraries);
			servers(out, "server's samples by thread (numbers in its name as #)", threads);
		}
		if (parts.contains(Part.ALLOC)) {
			var table = new Table("server's allocation site, first frame outside java., jdk., sun. (class)",
					"sampled MB", "of server's");
			for (var site : top(sites)) {
				table.row(site.getKey(), String.format("%,.1f", site.getValue().all() / 1e6),
						percent(site.getValue().all(), allocated.of(Group.SERVER)));
			}
			table.print(out);
		}
	}

	private void methods(PrintStream out, String title, Map<String, Tally> methods) {
		var table = new Table(title, "all", "server", "load generator");
		for (var method : top(methods)) {
			var tally = method.getValue();
			table.row(method.getKey(), percent(tally.all(), samples.all()),
					percent(tally.of(Group.SERVER), samples.all()), percent(tally.of(Group.LOAD), samples.all()));
		}
		table.print(out);
	}

	/** A table of the server's samples, as shares of them. */
	private void servers(PrintStream out, String title, Map<String, Tally> tallies) {
		var table = new Table(title, "of server's");
		for (var entry : top(tallies)) {
			table.row(entry.getKey(), percent(entry.getValue().of(Group.SERVER), samples.of(Group.SERVER)));
		}
		table.print(out);
	}

	private static List<Map.Entry<String, Tally>> top(Map<String, Tally> tallies) {
		return tallies.entrySet()
			.stream()
			.sorted(Comparator.comparingLong((ToLongFunction<Map.Entry<String, Tally>>) e -> e.getValue().all())
				.reversed())
			.limit(TOP)
			.toList();
	}

	/** Stacks deeper than JFR keeps lose their outermost frames, and with them totals. */
	private String truncation() {
		return truncated == 0 ? "" : ", " + percent(truncated, samples.all())
				+ " of them with the stack cut short (-XX:FlightRecorderOptions:stackdepth=256 keeps it whole)";
	}

	private static String percent(long part, long whole) {
		return whole == 0 ? "-" : String.format("%.1f %%", 100.0 * part / whole);
	}

}
