package dev.plangate.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import javax.management.JMException;
import javax.management.ObjectName;

import org.jspecify.annotations.Nullable;

import dev.plangate.bench.JfrSummary.Part;
import dev.plangate.bench.JfrSummary.Span;
import dev.plangate.bench.Options.Section;
import jdk.jfr.Configuration;
import jdk.jfr.Recording;

/**
 * Records the measured window of each run of a section with JDK Flight Recorder (not its
 * warm-up), with the JDK's "profile" settings and a CPU sample every millisecond (the
 * settings take one every 10: too few in a run of a few seconds on a machine this busy),
 * dumps it to {@code <section>-<stack>-<path>.jfr} and prints its {@link JfrSummary} once
 * the run is over. Without {@code --profile} nothing is recorded and runs go as they did.
 *
 * <p>
 * Where the server runs in the bench's process, a recording holds the load generator's
 * threads as well as the server's: the summary tells them apart. Where it runs in a JVM
 * of its own ({@code --split yes}), that JVM is recorded instead, with the same settings:
 * it records from its start to its exit ({@code -XX:StartFlightRecording}), the bench
 * notes each measured window's wall-clock start and end, and once the server has stopped
 * the recording is cut into the windows by the time each event started, and a summary
 * printed for each. Nothing then runs in the measured windows (starting and dumping a
 * recording with {@code jcmd} took a second or two of each), and the recording is the
 * server's alone.
 */
final class Profiler {

	/** Off: no recording, nothing printed. */
	static final Profiler OFF = new Profiler(null, Settings.OFF, "", new PrintStream(PrintStream.nullOutputStream()),
			null);

	/** The name of a separate server's recording, in its JVM. */
	static final String SERVER_RECORDING = "plangate-bench";

	private static final Duration SAMPLE_PERIOD = Duration.ofMillis(1);

	private static final int STACK_DEPTH = 256;

	/** The JDK's "profile" settings; null when off. */
	private final @Nullable Configuration configuration;

	private final Settings settings;

	private final String prefix;

	private final PrintStream out;

	/**
	 * The recording of the server's JVM, when it has one of its own (null when it is this
	 * one), complete once that JVM has exited.
	 */
	private final @Nullable Path serverRecording;

	/** The windows to cut from the server's recording once it is complete. */
	private final List<Noted> noted = new ArrayList<>();

	/**
	 * Recordings made so far under each file name, so that a later round's has one of its
	 * own.
	 */
	private final Map<String, Integer> taken = new HashMap<>();

	private Profiler(@Nullable Configuration configuration, Settings settings, String prefix, PrintStream out,
			@Nullable Path serverRecording) {
		this.configuration = configuration;
		this.settings = settings;
		this.prefix = prefix;
		this.out = out;
		this.serverRecording = serverRecording;
	}

	/** A measured window of the server's recording. */
	private record Noted(String run, Span span) {
	}

	/**
	 * What {@code --profile} asked for: the tables to print (none: off) and where the
	 * recordings go.
	 */
	record Settings(Set<Part> parts, Path directory) {

		static final Settings OFF = new Settings(Set.of(), Path.of("."));

		/**
		 * {@code cpu}, {@code alloc} or both, and a directory: anything else in the list.
		 */
		static Settings parse(String value) {
			var parts = EnumSet.noneOf(Part.class);
			Path directory = null;
			for (String item : value.split(",")) {
				switch (item.strip()) {
					case "" -> {
					}
					case "cpu" -> parts.add(Part.CPU);
					case "alloc" -> parts.add(Part.ALLOC);
					default -> directory = Path.of(item.strip());
				}
			}
			return new Settings(parts.isEmpty() ? EnumSet.allOf(Part.class) : parts,
					directory != null ? directory : besideTheJar());
		}

		/**
		 * {@code bench-profiles} in the directory of the bench's jar (or of its classes):
		 * {@code plangate-bench/target}, wherever the bench is run from.
		 */
		private static Path besideTheJar() {
			try {
				var code = Path.of(Profiler.class.getProtectionDomain().getCodeSource().getLocation().toURI());
				return code.getParent().resolve("bench-profiles");
			}
			catch (URISyntaxException | RuntimeException ex) {
				return Path.of("target", "bench-profiles");
			}
		}

	}

	/** The profiler of one section on one stack, printing to {@code out}. */
	static Profiler of(Options options, Section section, Stack stack, PrintStream out) {
		if (options.profile().parts().isEmpty()) {
			return OFF;
		}
		return new Profiler(Jfr.profile(), options.profile(), slug(section.name() + "-" + stack.name()), out, null);
	}

	/**
	 * The profiler of the HTTP section: of the server's own JVM when it has one, of this
	 * one otherwise. The server's recording is cut and its windows' summaries printed
	 * once the server has stopped.
	 */
	static Profiler of(Options options, Section section, Server server, PrintStream out) {
		var recording = server.recording();
		if (options.profile().parts().isEmpty() || recording.isEmpty()) {
			return of(options, section, server.stack, out);
		}
		var profiler = new Profiler(null, options.profile(),
				slug(section.name() + "-" + server.stack.name() + "-separate-server"), out, recording.get());
		server.whenStopped(profiler::printServerRecording);
		return profiler;
	}

	/**
	 * Where a separate server's JVM writes its recording when it exits, when
	 * {@code --profile} asks for one: {@code separate-server-<stack>.jfr} in the
	 * profiles' directory.
	 */
	static Optional<Path> serverRecording(Options options, Stack stack) {
		if (options.profile().parts().isEmpty()) {
			return Optional.empty();
		}
		return Optional.of(options.profile()
			.directory()
			.resolve("separate-server-" + slug(stack.name()) + ".jfr")
			.toAbsolutePath()
			.normalize());
	}

	/**
	 * The JVM options that make a server's JVM record itself from its start to its exit,
	 * into {@code recording}, with the settings of this JVM's recordings: the JDK's
	 * "profile" with a CPU sample every millisecond ({@code method-profiling=max}),
	 * stacks {@value #STACK_DEPTH} frames deep. No size or age limit, so that the first
	 * windows are kept to the end: a run of the HTTP section writes some tens of MB.
	 */
	static List<String> serverJvmOptions(Optional<Path> recording) {
		return recording
			.map(file -> List.of("-XX:FlightRecorderOptions:stackdepth=" + STACK_DEPTH,
					"-XX:StartFlightRecording:name=" + SERVER_RECORDING
							+ ",settings=profile,method-profiling=max,dumponexit=true,filename=" + file))
			.orElse(List.of());
	}

	/**
	 * Makes way for a new recording of a separate server: its directory made, and the
	 * file of an earlier run deleted, so that a server that fails to write it is not
	 * summed up with an old one.
	 */
	static void prepareServerRecording(Path recording) throws IOException {
		Files.createDirectories(recording.getParent());
		Files.deleteIfExists(recording);
	}

	/**
	 * Starts recording a run, called when its measured window opens; {@link Window#stop}
	 * when it closes, {@link Window#print} once the run is over.
	 */
	Window start(String run) {
		if (serverRecording != null) {
			return new Window(null, serverRecording, run, Instant.now());
		}
		if (configuration == null) {
			return new Window(null, Path.of("."), run, null);
		}
		String name = prefix + "-" + slug(run);
		int count = taken.merge(name, 1, Integer::sum);
		var file = settings.directory().resolve(count == 1 ? name + ".jfr" : name + "-" + count + ".jfr");
		var recording = new Recording(configuration);
		recording.enable("jdk.ExecutionSample").withPeriod(SAMPLE_PERIOD);
		recording.setName(name);
		recording.start();
		return new Window(recording, file, run, null);
	}

	/**
	 * Cuts the separate server's recording, complete now that it has stopped, into the
	 * measured windows and prints each one's summary.
	 */
	private void printServerRecording() {
		if (serverRecording == null || noted.isEmpty()) {
			return;
		}
		out.printf("-- profiles of %s, cut from the server's recording %s by the measured windows' wall-clock time%n",
				prefix, shown(serverRecording));
		if (!Files.isReadable(serverRecording)) {
			out.println("   no recording: the server's JVM did not write it (did it stop on its own?)");
			return;
		}
		List<JfrSummary> summaries;
		try {
			summaries = JfrSummary.cut(serverRecording, noted.stream().map(Noted::span).toList());
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot read " + serverRecording, ex);
		}
		for (int i = 0; i < noted.size(); i++) {
			var window = noted.get(i);
			out.printf("-- profile of %s, %s: %s to %s%n", prefix, window.run(), window.span().from(),
					window.span().to());
			summaries.get(i).print(out, settings.parts(), window.span().seconds());
		}
		noted.clear();
	}

	/**
	 * JFR made ready once, before the first measured window: stacks kept
	 * {@value #STACK_DEPTH} frames deep (64 by default, too few for a request through
	 * Tomcat, Spring Security and Spring MVC, whose outer frames would be lost), and
	 * started once, which takes a second the first time.
	 */
	private static final class Jfr {

		private static @Nullable Configuration profile;

		static synchronized Configuration profile() {
			if (profile == null) {
				profile = prepare();
			}
			return profile;
		}

		private static Configuration prepare() {
			configure("stackdepth=" + STACK_DEPTH);
			try {
				var profile = Configuration.getConfiguration("profile");
				try (var recording = new Recording(profile)) {
					recording.start();
					recording.stop();
				}
				return profile;
			}
			catch (IOException ex) {
				throw new UncheckedIOException("Cannot read the JDK's profile settings", ex);
			}
			catch (ParseException ex) {
				throw new IllegalStateException("Cannot read the JDK's profile settings", ex);
			}
		}

		/**
		 * {@code jcmd JFR.configure}: where it is refused, stacks keep JFR's default
		 * depth.
		 */
		private static void configure(String option) {
			try {
				ManagementFactory.getPlatformMBeanServer()
					.invoke(new ObjectName("com.sun.management:type=DiagnosticCommand"), "jfrConfigure",
							new Object[] { new String[] { option } }, new String[] { String[].class.getName() });
			}
			catch (JMException | RuntimeException ex) {
				// the summary says how many stacks were cut short
			}
		}

	}

	/**
	 * One run's recording, a window noted in the server's recording, or nothing when off.
	 */
	final class Window {

		private final @Nullable Recording recording;

		private final Path file;

		private final String run;

		/**
		 * When the window opened, when it is noted in the server's recording; null
		 * otherwise.
		 */
		private final @Nullable Instant opened;

		private double seconds;

		private Window(@Nullable Recording recording, Path file, String run, @Nullable Instant opened) {
			this.recording = recording;
			this.file = file;
			this.run = run;
			this.opened = opened;
		}

		/**
		 * Stops recording and writes the recording to its file; notes the window's end in
		 * the server's recording.
		 */
		void stop() {
			if (opened != null) {
				noted.add(new Noted(run, new Span(opened, Instant.now())));
				return;
			}
			if (recording == null) {
				return;
			}
			recording.stop();
			seconds = Duration.between(recording.getStartTime(), recording.getStopTime()).toNanos() / 1e9;
			try {
				Files.createDirectories(file.getParent());
				recording.dump(file);
			}
			catch (IOException ex) {
				throw new UncheckedIOException("Cannot write " + file, ex);
			}
			finally {
				recording.close();
			}
		}

		/**
		 * Prints where the recorded window's time and allocations went: at once when it
		 * was recorded in this JVM, once the server has stopped when in the server's.
		 */
		void print() {
			if (recording == null) {
				return;
			}
			out.printf("-- profile of %s, %s: %s%n", prefix, run, shown(file));
			try {
				JfrSummary.read(file).print(out, settings.parts(), seconds);
			}
			catch (IOException ex) {
				throw new UncheckedIOException("Cannot read " + file, ex);
			}
		}

	}

	/** Lower case, every run of other characters than letters and digits one dash. */
	private static String slug(String text) {
		return text.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("^-|-$", "");
	}

	/** The path from the working directory when the file is below it. */
	private static Path shown(Path file) {
		var here = Path.of("").toAbsolutePath();
		var absolute = file.toAbsolutePath().normalize();
		return absolute.startsWith(here) ? here.relativize(absolute) : absolute;
	}

}
