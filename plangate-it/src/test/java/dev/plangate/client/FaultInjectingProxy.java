package dev.plangate.client;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A proxy in front of the test server that can fail on purpose: for each request, a rule
 * decides to forward it, to forward it and then cut the connection without the answer
 * (the server did the work, the client never hears of it), to answer 503 without
 * forwarding, or to hold it until released. It keeps what it saw.
 */
final class FaultInjectingProxy implements AutoCloseable {

	enum Fault {

		NONE, DROP_RESPONSE, UNAVAILABLE, THROTTLED

	}

	/** A request as the proxy saw it. */
	record Seen(String method, String path, String idempotencyKey, String prefer) {
	}

	private static final Set<String> HOP_BY_HOP = Set.of("connection", "content-length", "host", "upgrade",
			"http2-settings", "transfer-encoding", "keep-alive", "expect");

	private final HttpServer server;

	private final ExecutorService executor = Executors.newCachedThreadPool();

	private final HttpClient upstream = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

	private final URI target;

	private final Function<Seen, Fault> rule;

	final List<Seen> seen = new CopyOnWriteArrayList<>();

	FaultInjectingProxy(int targetPort, Function<Seen, Fault> rule) throws IOException {
		this.target = URI.create("http://localhost:" + targetPort);
		this.rule = rule;
		this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
		server.setExecutor(executor);
		server.createContext("/", this::handle);
		server.start();
	}

	URI uri() {
		return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
	}

	long count(String method, String path) {
		return seen.stream().filter(s -> s.method().equals(method) && s.path().equals(path)).count();
	}

	private void handle(HttpExchange exchange) throws IOException {
		try (exchange) {
			var uri = exchange.getRequestURI();
			var request = new Seen(exchange.getRequestMethod(), uri.getPath(),
					String.valueOf(exchange.getRequestHeaders().getFirst("Idempotency-Key")),
					String.valueOf(exchange.getRequestHeaders().getFirst("Prefer")));
			seen.add(request);
			var fault = rule.apply(request);
			if (fault == Fault.THROTTLED) {
				exchange.getResponseHeaders().add("Content-Type", "application/problem+json");
				exchange.getResponseHeaders().add("Retry-After", "1");
				byte[] body = "{\"code\":\"too_many_attempts\",\"status\":429}".getBytes();
				exchange.sendResponseHeaders(429, body.length);
				exchange.getResponseBody().write(body);
				return;
			}
			if (fault == Fault.UNAVAILABLE) {
				exchange.getResponseHeaders().add("Content-Type", "application/problem+json");
				byte[] body = "{\"code\":\"proxy_unavailable\",\"status\":503}".getBytes();
				exchange.sendResponseHeaders(503, body.length);
				exchange.getResponseBody().write(body);
				return;
			}
			var forward = HttpRequest.newBuilder(
					target.resolve(uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery())));
			exchange.getRequestHeaders().forEach((name, values) -> {
				if (!HOP_BY_HOP.contains(name.toLowerCase())) {
					values.forEach(value -> forward.header(name, value));
				}
			});
			byte[] body = exchange.getRequestBody().readAllBytes();
			forward.method(exchange.getRequestMethod(), body.length == 0 ? HttpRequest.BodyPublishers.noBody()
					: HttpRequest.BodyPublishers.ofByteArray(body));
			HttpResponse<byte[]> response;
			try {
				response = upstream.send(forward.build(), HttpResponse.BodyHandlers.ofByteArray());
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
			if (fault == Fault.DROP_RESPONSE) {
				// the server has done the work; closing without an answer cuts the
				// connection
				return;
			}
			response.headers().map().forEach((name, values) -> {
				if (!HOP_BY_HOP.contains(name.toLowerCase()) && !name.startsWith(":")) {
					values.forEach(value -> exchange.getResponseHeaders().add(name, value));
				}
			});
			byte[] answer = response.body();
			exchange.sendResponseHeaders(response.statusCode(), answer.length == 0 ? -1 : answer.length);
			if (answer.length > 0) {
				exchange.getResponseBody().write(answer);
			}
		}
	}

	@Override
	public void close() {
		server.stop(0);
		executor.shutdownNow();
	}

}
