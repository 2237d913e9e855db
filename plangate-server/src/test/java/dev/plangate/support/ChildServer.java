package dev.plangate.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;

import dev.plangate.PlangateApplication;

/**
 * A Plangate server in a JVM of its own, started from this test's class path, so that a
 * test can kill it as a crash would ({@link #kill}: SIGKILL, no shutdown, nothing
 * flushed) and start another on the same data. Its output goes to a log file. A child
 * still running when this JVM exits is killed then.
 */
public final class ChildServer implements AutoCloseable {

	private static final Set<Process> RUNNING = ConcurrentHashMap.newKeySet();

	static {
		Runtime.getRuntime()
			.addShutdownHook(new Thread(() -> RUNNING.forEach(Process::destroyForcibly), "plangate-child-killer"));
	}

	private final Map<String, String> environment;

	private final List<String> arguments;

	private final Path log;

	private @Nullable Process process;

	private int port;

	/**
	 * @param environment set on top of this JVM's environment
	 * @param arguments Spring Boot command-line arguments ({@code --name=value}); the
	 * port is chosen here
	 * @param log where the child's output is appended
	 */
	public ChildServer(Map<String, String> environment, List<String> arguments, Path log) {
		this.environment = Map.copyOf(environment);
		this.arguments = List.copyOf(arguments);
		this.log = log;
	}

	/** Starts a child on a free port and waits until it is ready to take requests. */
	public ChildServer start(Duration timeout) {
		if (process != null && process.isAlive()) {
			throw new IllegalStateException("The child server is running already");
		}
		port = freePort();
		var command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
				"-Xmx512m", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
				PlangateApplication.class.getName(), "--server.port=" + port));
		command.addAll(arguments);
		var builder = new ProcessBuilder(command).redirectErrorStream(true)
			.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
		builder.environment().putAll(environment);
		try {
			process = builder.start();
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot start a child JVM", ex);
		}
		RUNNING.add(process);
		awaitReady(process, timeout);
		return this;
	}

	private void awaitReady(Process child, Duration timeout) {
		var http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
		var probe = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/health/readiness"))
			.timeout(Duration.ofSeconds(2))
			.build();
		long deadline = System.nanoTime() + timeout.toNanos();
		while (System.nanoTime() < deadline) {
			if (!child.isAlive()) {
				throw new IllegalStateException(
						"The child server exited with " + child.exitValue() + " while starting:\n" + logTail());
			}
			try {
				if (http.send(probe, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
					return;
				}
			}
			catch (IOException ex) {
				// not listening yet
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				kill();
				throw new IllegalStateException("Interrupted while the child server started", ex);
			}
			sleep(200);
		}
		kill();
		throw new IllegalStateException("The child server was not ready within " + timeout + ":\n" + logTail());
	}

	/** Kills the child at once (SIGKILL on Linux) and waits until it has gone. */
	public void kill() {
		var child = process;
		if (child == null) {
			return;
		}
		child.destroyForcibly();
		try {
			if (!child.waitFor(30, TimeUnit.SECONDS)) {
				throw new IllegalStateException("The child server outlived SIGKILL for 30 s");
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		RUNNING.remove(child);
		process = null;
	}

	@Override
	public void close() {
		kill();
	}

	/** A client of the running child holding {@code key}. */
	public Api api(@Nullable String key) {
		return new Api(port, key);
	}

	/** The end of the child's output, for failure messages. */
	public String logTail() {
		try {
			var text = Files.readString(log, StandardCharsets.UTF_8);
			return text.substring(Math.max(0, text.length() - 6000));
		}
		catch (IOException ex) {
			return "(no log: " + ex + ")";
		}
	}

	private static int freePort() {
		try (var socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private static void sleep(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
