package dev.plangate.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.ConfigurableApplicationContext;

import dev.plangate.PlangateApplication;
import dev.plangate.identity.apikey.ServerKeys;

/**
 * A Plangate server on a free port, with the default catalog, a fresh database and a
 * known API key, and the customers the benchmark calls about: started in this process, or
 * in a JVM of its own ({@link #separate}) so that the load generator's CPU is not counted
 * as the server's, and so that the server can run on another JDK, collector or settings.
 */
final class Server implements AutoCloseable {

	/** Customers the load is spread over; bench-0 is also the one hot customer. */
	static final int CUSTOMERS = 100;

	final Stack stack;

	final String jdbcUrl;

	final String jdbcUser;

	final InetSocketAddress address;

	/** Where the server runs: in the bench's JVM, or which JVM of its own. */
	final String setup;

	private final String apiKey;

	private final Options options;

	private final @Nullable Path dataDir;

	private final @Nullable ConfigurableApplicationContext context;

	private final @Nullable ServerProcess process;

	/** What to do once the server has stopped, in order. */
	private final List<Runnable> whenStopped = new ArrayList<>();

	private Server(Stack stack, Options options, String catalog, String... settings) throws Exception {
		this.stack = stack;
		this.options = options;
		this.dataDir = Files.createTempDirectory("plangate-bench");
		this.jdbcUrl = stack.jdbcUrl(options, dataDir);
		this.jdbcUser = stack.jdbcUser(options);
		this.apiKey = ServerKeys.generate();
		stack.reset(options);
		// command-line arguments, so that they win over application.yaml and over any
		// PLANGATE_* variables of the environment the bench runs in
		var arguments = new ArrayList<>(List.of("--server.port=0", "--logging.level.root=ERROR",
				"--logging.level.dev.plangate=WARN", "--plangate.catalog=" + catalog,
				"--plangate.bootstrap-api-key=" + apiKey, "--plangate.data-dir=" + dataDir,
				"--spring.datasource.url=" + jdbcUrl, "--spring.datasource.username=" + jdbcUser,
				"--spring.datasource.password=", "--plangate.redis-url=" + stack.redisUrl(options),
				"--plangate.redis-prefix=" + options.redisPrefix() + "rl:"));
		for (var setting : options.serverSettings()) {
			arguments.add("--" + setting);
		}
		for (var setting : settings) {
			arguments.add("--" + setting);
		}
		this.context = new SpringApplicationBuilder(PlangateApplication.class).run(arguments.toArray(String[]::new));
		int port = Objects.requireNonNull(context.getEnvironment().getProperty("local.server.port", Integer.class));
		this.address = new InetSocketAddress("127.0.0.1", port);
		this.setup = "in-process";
		this.process = null;
	}

	private Server(Stack stack, Options options, ServerProcess process) {
		this.stack = stack;
		this.options = options;
		this.dataDir = null;
		this.jdbcUrl = stack.jdbcUrl(options, Path.of("in-the-server-process"));
		this.jdbcUser = stack.jdbcUser(options);
		this.apiKey = process.apiKey();
		this.address = new InetSocketAddress("127.0.0.1", process.port());
		this.setup = process.describe();
		this.context = null;
		this.process = process;
	}

	/**
	 * Starts a server, with {@code settings} ({@code name=value}) over its defaults, and
	 * creates the customers: each on the enterprise plan (every switch, unlimited API
	 * calls) with an API rate far above what the load reaches, so that every call is
	 * admitted and each takes the whole decision path.
	 */
	static Server start(Stack stack, Options options, String... settings) throws Exception {
		var server = new Server(stack, options, "classpath:catalogs/default.yaml", settings);
		try (var http = new HttpConnection(server.address)) {
			for (int i = 0; i < CUSTOMERS; i++) {
				String customer = "/v1/customers/" + customer(i);
				http.exchangeOrFail(server.request("PUT", customer, "{\"name\":\"Bench customer " + i + "\"}"));
				http.exchangeOrFail(server.request("POST", customer + "/subscription", "{\"plan\":\"enterprise\"}"));
				http.exchangeOrFail(server.request("PUT", customer + "/overrides/api_rate",
						"{\"value\":1000000000,\"reason\":\"benchmark\"}"));
			}
		}
		catch (IOException ex) {
			server.close();
			throw ex;
		}
		return server;
	}

	/**
	 * Starts a server as {@link #start} does, in a JVM of its own (the options'
	 * {@code --server-java} and {@code --server-jvm-args}), which makes and drops its
	 * data itself.
	 */
	static Server separate(Stack stack, Options options) throws Exception {
		return new Server(stack, options, ServerProcess.launch(stack, options));
	}

	/**
	 * Starts a server with another catalog and no customers: the batch section's, whose
	 * plans set the batch limits.
	 */
	static Server withCatalog(Stack stack, Options options, String catalog) throws Exception {
		return new Server(stack, options, catalog);
	}

	/** One of the server's beans, for work the bench does in the server's own process. */
	<T> T bean(Class<T> type) {
		return inProcess().getBean(type);
	}

	/** Where the server's modules publish their events. */
	ApplicationEventPublisher events() {
		return inProcess();
	}

	/** A setting as the server has it. */
	<T> T setting(String name, Class<T> type) {
		return Objects.requireNonNull(inProcess().getEnvironment().getProperty(name, type), name);
	}

	private ConfigurableApplicationContext inProcess() {
		if (context == null) {
			throw new IllegalStateException("The server runs in a JVM of its own: " + setup);
		}
		return context;
	}

	static String customer(long n) {
		return "bench-" + n % CUSTOMERS;
	}

	/** An authenticated request to this server, with a JSON body if one is given. */
	byte[] request(String method, String path, @Nullable String body) {
		return HttpConnection.request(method, path, "127.0.0.1:" + address.getPort(), apiKey, body);
	}

	/**
	 * The recording the server's own JVM makes of itself, when it has one and
	 * {@code --profile} asked for it: complete once the server has stopped.
	 */
	Optional<Path> recording() {
		return process == null ? Optional.empty() : process.recording();
	}

	/** Runs {@code action} once the server has stopped ({@link #close}). */
	void whenStopped(Runnable action) {
		whenStopped.add(action);
	}

	/**
	 * Like {@link #request}, with one more header given as its {@code Name: value} line.
	 */
	byte[] request(String method, String path, String body, String header) {
		return HttpConnection.request(method, path, "127.0.0.1:" + address.getPort(), apiKey, body, header);
	}

	/** The server key the bench's clients use. */
	String apiKey() {
		return apiKey;
	}

	/** A request without credentials. */
	byte[] anonymous(String method, String path) {
		return HttpConnection.request(method, path, "127.0.0.1:" + address.getPort(), null, null);
	}

	@Override
	public void close() throws Exception {
		try {
			stop();
		}
		finally {
			whenStopped.forEach(Runnable::run);
		}
	}

	private void stop() throws Exception {
		if (process != null) {
			process.close();
			return;
		}
		inProcess().close();
		stack.dropData(options);
		try (Stream<Path> files = Files.walk(Objects.requireNonNull(dataDir))) {
			for (var file : files.sorted(Comparator.reverseOrder()).toList()) {
				Files.delete(file);
			}
		}
	}

}
