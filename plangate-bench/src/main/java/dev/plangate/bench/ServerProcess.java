package dev.plangate.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A Plangate server in a JVM of its own, started from the bench's jar: the java and JVM
 * options are the command line's ({@code --server-java}, {@code --server-jvm-args}), and
 * with {@code --pin} the server gets core 0 and the bench's JVM, the load generator, core
 * 1. The child makes its data, creates the customers, prints its port and API key on a
 * line of its own, and closes (dropping its data) when its standard input ends.
 */
final class ServerProcess implements AutoCloseable {

	/** What the child prints once it listens: this, its port and the API key. */
	static final String READY = "plangate-bench-server-ready";

	private final Process process;

	private final int port;

	private final String apiKey;

	private final String description;

	private final boolean pinned;

	/** Where the child writes its recording when it exits, with {@code --profile}. */
	private final Optional<Path> recording;

	private ServerProcess(Process process, int port, String apiKey, String description, boolean pinned,
			Optional<Path> recording) {
		this.process = process;
		this.port = port;
		this.apiKey = apiKey;
		this.description = description;
		this.pinned = pinned;
		this.recording = recording;
	}

	/** The child's main: a server until standard input ends. */
	public static void main(String[] args) throws Exception {
		var options = Options.parse(args);
		try (var server = Server.start(options.stacks().get(0), options)) {
			System.out.println(READY + " " + server.address.getPort() + " " + server.apiKey());
			System.out.flush();
			while (System.in.read() >= 0) {
				// until the bench closes the pipe
			}
		}
		System.exit(0);
	}

	static ServerProcess launch(Stack stack, Options options) throws IOException {
		var recording = Profiler.serverRecording(options, stack);
		if (recording.isPresent()) {
			Profiler.prepareServerRecording(recording.get());
		}
		var command = command(stack, options, System.getProperty("java.class.path"));
		var process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
		var lines = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
		String line;
		while ((line = lines.readLine()) != null && !line.startsWith(READY + " ")) {
			// the banner and whatever else the child prints before it is ready
		}
		if (line == null) {
			process.destroyForcibly();
			throw new IOException("The server process ended before it was ready: " + String.join(" ", command));
		}
		var ready = line.split(" ");
		var drain = new Thread(() -> {
			try {
				while (lines.readLine() != null) {
					// nothing: keeps the pipe from filling
				}
			}
			catch (IOException ex) {
				// the process ended
			}
		}, "bench-server-output");
		drain.setDaemon(true);
		drain.start();
		CpuShare.serverProcess(process.pid());
		if (options.pin()) {
			Affinity.pinThisProcess("1");
		}
		return new ServerProcess(process, Integer.parseInt(ready[1]), ready[2], describe(options), options.pin(),
				recording);
	}

	/** The child's command line: java, its options, this jar's class path and main. */
	static List<String> command(Stack stack, Options options, String classPath) {
		var command = new ArrayList<String>();
		if (options.pin()) {
			command.addAll(List.of("taskset", "-c", "0"));
		}
		command.add(options.serverJava());
		command.addAll(options.serverJvmArgs());
		command.addAll(Profiler.serverJvmOptions(Profiler.serverRecording(options, stack)));
		command.addAll(List.of("-cp", classPath, ServerProcess.class.getName()));
		command.addAll(List.of("--stack", stack.name().toLowerCase(Locale.ROOT), "--postgres-url",
				options.postgresUrl(), "--postgres-user", options.postgresUser(), "--redis-url", options.redisUrl(),
				"--database", options.database()));
		for (var setting : options.serverSettings()) {
			command.addAll(List.of("--server-setting", setting));
		}
		return command;
	}

	/** "separate JVM (java 25.0.1, -XX:+UseZGC), pinned". */
	static String describe(Options options) {
		String version = javaVersion(options.serverJava());
		var parts = new ArrayList<String>();
		parts.add("java " + version);
		parts.addAll(options.serverJvmArgs());
		parts.addAll(options.serverSettings());
		return "separate JVM (" + String.join(", ", parts) + ")" + (options.pin() ? ", pinned" : "");
	}

	/**
	 * The version a java prints first, e.g. 25.0.1, or the path when it cannot be run.
	 */
	private static String javaVersion(String java) {
		try {
			var process = new ProcessBuilder(java, "-version").redirectErrorStream(true).start();
			try (var out = new BufferedReader(
					new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
				String first = out.readLine();
				process.waitFor(30, TimeUnit.SECONDS);
				if (first != null && first.indexOf('"') >= 0) {
					return first.substring(first.indexOf('"') + 1, first.lastIndexOf('"'));
				}
			}
		}
		catch (IOException ex) {
			// below
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		return java;
	}

	/**
	 * The child's recording of itself, with {@code --profile}: complete once it is
	 * closed.
	 */
	Optional<Path> recording() {
		return recording;
	}

	int port() {
		return port;
	}

	String apiKey() {
		return apiKey;
	}

	String describe() {
		return description;
	}

	@Override
	public void close() throws InterruptedException {
		try {
			process.getOutputStream().close();
		}
		catch (IOException ex) {
			// the process is gone already
		}
		if (!process.waitFor(60, TimeUnit.SECONDS)) {
			process.destroyForcibly().waitFor();
		}
		CpuShare.serverProcess(-1);
		if (pinned) {
			Affinity.unpinThisProcess();
		}
	}

}
