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
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import javax.management.JMException;
import javax.management.ObjectName;

import org.jspecify.annotations.Nullable;

import dev.plangate.bench.JfrSummary.Part;
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
 * The server runs in the bench's process, so a recording holds the load generator's
 * threads as well as the server's: the summary tells them apart.
 */
final class Profiler {

	/** Off: no recording, nothing printed. */
	static final Profiler OFF = new Profiler(null, Settings.OFF, "", new PrintStream(PrintStream.nullOutputStream()));

	private static final Duration SAMPLE_PERIOD = Duration.ofMillis(1);

	private static final int STACK_DEPTH = 256;

	/** The JDK's "profile" settings; null when off. */
	private final @Nullable Configuration configuration;

	private final Settings settings;

	private final String prefix;

	private final PrintStream out;

	/**
	 * Recordings made so far under each file name, so that a later round's has one of its
	 * own.
	 */
	private final Map<String, Integer> taken = new HashMap<>();

	private Profiler(@Nullable Configuration configuration, Settings settings, String prefix, PrintStream out) {
		this.configuration = configuration;
		this.settings = settings;
		this.prefix = prefix;
		this.out = out;
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
		return new Profiler(Jfr.profile(), options.profile(), slug(section.name() + "-" + stack.name()), out);
	}

	/**
	 * Starts recording a run, called when its measured window opens; {@link Window#stop}
	 * when it closes, {@link Window#print} once the run is over.
	 */
	Window start(String run) {
		if (configuration == null) {
			return new Window(null, Path.of("."), run);
		}
		String name = prefix + "-" + slug(run);
		int count = taken.merge(name, 1, Integer::sum);
		var file = settings.directory().resolve(count == 1 ? name + ".jfr" : name + "-" + count + ".jfr");
		var recording = new Recording(configuration);
		recording.enable("jdk.ExecutionSample").withPeriod(SAMPLE_PERIOD);
		recording.setName(name);
		recording.start();
		return new Window(recording, file, run);
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

	/** One run's recording, or nothing when off. */
	final class Window {

		private final @Nullable Recording recording;

		private final Path file;

		private final String run;

		private double seconds;

		private Window(@Nullable Recording recording, Path file, String run) {
			this.recording = recording;
			this.file = file;
			this.run = run;
		}

		/** Stops recording and writes the recording to its file. */
		void stop() {
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

		/** Prints where the recorded window's time and allocations went. */
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
