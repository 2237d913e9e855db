package dev.plangate.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.ParseException;
import java.time.Duration;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
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
 * Where the server runs in the bench's process, a recording holds the load generator's
 * threads as well as the server's: the summary tells them apart. Where it runs in a JVM
 * of its own ({@code --split yes}), that JVM is recorded instead, with the same settings,
 * started and dumped with {@code jcmd}: the recording is then the server's alone.
 */
final class Profiler {

	/** Off: no recording, nothing printed. */
	static final Profiler OFF = new Profiler(null, Settings.OFF, "", new PrintStream(PrintStream.nullOutputStream()),
			null);

	private static final Duration SAMPLE_PERIOD = Duration.ofMillis(1);

	private static final int STACK_DEPTH = 256;

	/** The JDK's "profile" settings; null when off. */
	private final @Nullable Configuration configuration;

	private final Settings settings;

	private final String prefix;

	private final PrintStream out;

	/** The server's JVM, when it has one of its own; null when it is this one. */
	private final @Nullable ServerJvm serverJvm;

	/**
	 * Recordings made so far under each file name, so that a later round's has one of its
	 * own.
	 */
	private final Map<String, Integer> taken = new HashMap<>();

	private Profiler(@Nullable Configuration configuration, Settings settings, String prefix, PrintStream out,
			@Nullable ServerJvm serverJvm) {
		this.configuration = configuration;
		this.settings = settings;
		this.prefix = prefix;
		this.out = out;
		this.serverJvm = serverJvm;
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
	 * one otherwise.
	 */
	static Profiler of(Options options, Section section, Server server, PrintStream out) {
		var pid = server.pid();
		if (options.profile().parts().isEmpty() || pid.isEmpty()) {
			return of(options, section, server.stack, out);
		}
		return new Profiler(null, options.profile(),
				slug(section.name() + "-" + server.stack.name() + "-separate-server"), out,
				new ServerJvm(jcmd(options.serverJava()), pid.getAsLong()));
	}

	/**
	 * The JVM options that make a server's JVM ready to be recorded: stacks as deep as
	 * this JVM keeps them.
	 */
	static List<String> serverJvmOptions(Options options) {
		return options.profile().parts().isEmpty() ? List.of()
				: List.of("-XX:FlightRecorderOptions:stackdepth=" + STACK_DEPTH);
	}

	/** The {@code jcmd} beside a {@code java}, or the one on the path. */
	static String jcmd(String java) {
		var path = Path.of(java);
		return path.getParent() == null ? "jcmd" : path.resolveSibling("jcmd").toString();
	}

	/**
	 * Starts recording a run, called when its measured window opens; {@link Window#stop}
	 * when it closes, {@link Window#print} once the run is over.
	 */
	Window start(String run) {
		if (configuration == null && serverJvm == null) {
			return new Window(null, Path.of("."), run);
		}
		String name = prefix + "-" + slug(run);
		int count = taken.merge(name, 1, Integer::sum);
		var file = settings.directory().resolve(count == 1 ? name + ".jfr" : name + "-" + count + ".jfr");
		if (serverJvm != null) {
			serverJvm.start(name);
			return new Window(null, file, run, name, System.nanoTime());
		}
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

		/** The recording's name in the server's JVM; null when it is in this one. */
		private final @Nullable String remote;

		private final long startedNanos;

		private double seconds;

		private Window(@Nullable Recording recording, Path file, String run) {
			this(recording, file, run, null, 0);
		}

		private Window(@Nullable Recording recording, Path file, String run, @Nullable String remote,
				long startedNanos) {
			this.recording = recording;
			this.file = file;
			this.run = run;
			this.remote = remote;
			this.startedNanos = startedNanos;
		}

		/** Stops recording and writes the recording to its file. */
		void stop() {
			if (remote != null && serverJvm != null) {
				seconds = (System.nanoTime() - startedNanos) / 1e9;
				try {
					Files.createDirectories(file.toAbsolutePath().getParent());
				}
				catch (IOException ex) {
					throw new UncheckedIOException("Cannot write " + file, ex);
				}
				serverJvm.stop(remote, file.toAbsolutePath());
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

		/** Prints where the recorded window's time and allocations went. */
		void print() {
			if (recording == null && remote == null) {
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

	/**
	 * A server in a JVM of its own, recorded with {@code jcmd}: the JDK's "profile"
	 * settings with a CPU sample every millisecond ({@code method-profiling=max}), as in
	 * this JVM.
	 */
	record ServerJvm(String jcmd, long pid) {

		List<String> startCommand(String name) {
			return List.of(jcmd, Long.toString(pid), "JFR.start", "name=" + name, "settings=profile",
					"method-profiling=max");
		}

		List<String> stopCommand(String name, Path file) {
			return List.of(jcmd, Long.toString(pid), "JFR.stop", "name=" + name, "filename=" + file);
		}

		void start(String name) {
			run(startCommand(name));
		}

		void stop(String name, Path file) {
			run(stopCommand(name, file));
		}

		private static void run(List<String> command) {
			try {
				var process = new ProcessBuilder(command).redirectErrorStream(true).start();
				String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
				if (process.waitFor() != 0 || output.contains("Exception") || output.contains("Could not")) {
					throw new IllegalStateException(String.join(" ", command) + " failed: " + output.strip());
				}
			}
			catch (IOException ex) {
				throw new UncheckedIOException("Cannot run " + String.join(" ", command), ex);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException("Interrupted: " + String.join(" ", command), ex);
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
