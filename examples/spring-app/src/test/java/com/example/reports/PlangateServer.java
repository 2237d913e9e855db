package com.example.reports;

import java.io.File;
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
import java.util.UUID;

/**
 * A real Plangate server for the tests, started once per JVM from its executable jar (the
 * {@code exec} artifact on the test class path) in a JVM of its own, and stopped when the
 * tests' JVM exits. On the embedded stack it keeps its H2 database in a fresh directory
 * under {@code target/}; when PLANGATE_DB_URL names a PostgreSQL it uses the schema
 * {@code spring_app} of it, and PLANGATE_REDIS_URL's Redis under a namespace of its own.
 * Its first server key is set, not printed: {@link #API_KEY}.
 */
final class PlangateServer {

	/** The server key the server starts with (a test value: anyone can read it here). */
	static final String API_KEY = "pg_sk_piy32fTeQnvSLSNvXF26JzSjCzl6XB1N9VHJ";

	private static final String MASTER_KEY = "dGVzdC1tYXN0ZXIta2V5LW9mLTMyLWJ5dGVzLW9ubHk=";

	private static PlangateServer running;

	private final Process process;

	private final int port;

	private final Path log;

	private PlangateServer(Process process, int port, Path log) {
		this.process = process;
		this.port = port;
		this.log = log;
	}

	/** The server, started on the first call. */
	static synchronized PlangateServer get() {
		if (running == null) {
			running = start();
		}
		return running;
	}

	String url() {
		return "http://127.0.0.1:" + port;
	}

	private static PlangateServer start() {
		var target = Path.of("target").toAbsolutePath();
		var run = UUID.randomUUID().toString().substring(0, 8);
		var log = target.resolve("plangate-server-" + run + ".log");
		int port = freePort();
		var command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
				"-Xmx512m", "-XX:TieredStopAtLevel=1", "-jar", executableJar().toString()));
		var builder = new ProcessBuilder(command).directory(target.toFile())
			.redirectErrorStream(true)
			.redirectOutput(log.toFile());
		var env = builder.environment();
		env.put("PLANGATE_PORT", String.valueOf(port));
		env.put("PLANGATE_DATA_DIR", target.resolve("plangate-data-" + run).toString());
		env.put("PLANGATE_BOOTSTRAP_API_KEY", API_KEY);
		env.put("PLANGATE_MASTER_KEY", MASTER_KEY);
		env.put("PLANGATE_REDIS_NAMESPACE", "plangate-spring-app-" + run);
		var postgres = System.getenv("PLANGATE_DB_URL");
		if (postgres != null && !postgres.isBlank()) {
			env.put("PLANGATE_DB_URL", postgres + (postgres.contains("?") ? "&" : "?") + "currentSchema=spring_app");
			command.add("--spring.flyway.schemas=spring_app");
			builder.command(command);
		}
		try {
			var process = builder.start();
			var server = new PlangateServer(process, port, log);
			Runtime.getRuntime().addShutdownHook(new Thread(server::stop, "plangate-server-stop"));
			server.awaitReady(Duration.ofSeconds(180));
			return server;
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot start the Plangate server", ex);
		}
	}

	/** The executable jar on the test class path. */
	private static Path executableJar() {
		for (var entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
			var name = Path.of(entry).getFileName().toString();
			if (name.startsWith("plangate-server") && name.endsWith("exec.jar")) {
				return Path.of(entry);
			}
		}
		throw new IllegalStateException("The Plangate server's executable jar is not on the class path: "
				+ "build with ./mvnw verify (or -am) so that plangate-server is packaged first");
	}

	private void awaitReady(Duration timeout) {
		var http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
		var probe = HttpRequest.newBuilder(URI.create(url() + "/actuator/health/readiness"))
			.timeout(Duration.ofSeconds(2))
			.build();
		long deadline = System.nanoTime() + timeout.toNanos();
		while (System.nanoTime() < deadline) {
			if (!process.isAlive()) {
				throw new IllegalStateException("The Plangate server exited while starting:\n" + logTail());
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
				break;
			}
			try {
				Thread.sleep(250);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				break;
			}
		}
		stop();
		throw new IllegalStateException("The Plangate server was not ready within " + timeout + ":\n" + logTail());
	}

	private void stop() {
		process.destroy();
		try {
			if (!process.waitFor(Duration.ofSeconds(20).toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
				process.destroyForcibly();
			}
		}
		catch (InterruptedException ex) {
			process.destroyForcibly();
			Thread.currentThread().interrupt();
		}
	}

	private String logTail() {
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

}
