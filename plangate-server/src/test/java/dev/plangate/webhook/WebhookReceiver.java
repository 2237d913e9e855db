package dev.plangate.webhook;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Predicate;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A real HTTP endpoint for deliveries, on 127.0.0.1: it records every request on its
 * path, answers with the status codes queued for the path (then 200), after a delay set
 * per path, and verifies signatures independently of the server's code, the way the
 * Standard Webhooks libraries do.
 */
final class WebhookReceiver implements AutoCloseable {

	/** The Standard Webhooks libraries' tolerance for the timestamp. */
	static final Duration TOLERANCE = Duration.ofMinutes(5);

	/** One request, as it arrived; {@code host} its {@code Host} header. */
	record Received(String path, String id, String timestamp, String signature, String body, Instant at, String host) {

		/**
		 * Whether {@code secret} ({@code whsec_…}) signed it, within the tolerance of
		 * {@code now}: what {@code Webhook.verify} of the Standard Webhooks libraries
		 * checks.
		 */
		boolean verifies(String secret, Instant now) {
			long sent;
			try {
				sent = Long.parseLong(timestamp);
			}
			catch (NumberFormatException ex) {
				return false;
			}
			if (Math.abs(now.getEpochSecond() - sent) > TOLERANCE.toSeconds()) {
				return false;
			}
			byte[] expected;
			try {
				var key = Base64.getDecoder().decode(secret.substring("whsec_".length()));
				var mac = Mac.getInstance("HmacSHA256");
				mac.init(new SecretKeySpec(key, "HmacSHA256"));
				expected = mac.doFinal((id + "." + timestamp + "." + body).getBytes(StandardCharsets.UTF_8));
			}
			catch (GeneralSecurityException ex) {
				throw new IllegalStateException(ex);
			}
			for (var versioned : signature.split(" ")) {
				var parts = versioned.split(",", 2);
				if (parts.length == 2 && parts[0].equals("v1")) {
					byte[] given;
					try {
						given = Base64.getDecoder().decode(parts[1]);
					}
					catch (IllegalArgumentException ex) {
						continue;
					}
					if (MessageDigest.isEqual(expected, given)) {
						return true;
					}
				}
			}
			return false;
		}

		boolean verifies(String secret) {
			return verifies(secret, Clock.systemUTC().instant());
		}

	}

	private final HttpServer server;

	private final ExecutorService threads = Executors.newCachedThreadPool();

	private final ConcurrentLinkedQueue<Received> received = new ConcurrentLinkedQueue<>();

	private final Map<String, ConcurrentLinkedDeque<Integer>> answers = new ConcurrentHashMap<>();

	private final Map<String, Duration> delays = new ConcurrentHashMap<>();

	private final Set<InetSocketAddress> peers = ConcurrentHashMap.newKeySet();

	WebhookReceiver() {
		try {
			server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 50);
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
		server.createContext("/", this::handle);
		server.setExecutor(threads);
		server.start();
	}

	/** The port it listens on. */
	int port() {
		return server.getAddress().getPort();
	}

	/** How many connections requests came over. */
	int connections() {
		return peers.size();
	}

	/** The URL of {@code path} on this receiver. */
	String url(String path) {
		return "http://127.0.0.1:" + server.getAddress().getPort() + path;
	}

	/** The next requests on {@code path} are answered with these codes, then 200. */
	WebhookReceiver answer(String path, Integer... codes) {
		answers.computeIfAbsent(path, p -> new ConcurrentLinkedDeque<>()).addAll(List.of(codes));
		return this;
	}

	/** Requests on {@code path} are answered 200 from now on. */
	WebhookReceiver answerOk(String path) {
		answers.remove(path);
		return this;
	}

	/** Requests on {@code path} are answered after {@code delay}. */
	WebhookReceiver delay(String path, Duration delay) {
		delays.put(path, delay);
		return this;
	}

	List<Received> on(String path) {
		return received(r -> r.path().equals(path));
	}

	List<Received> received(Predicate<Received> filter) {
		var matching = new ArrayList<Received>();
		for (var r : received) {
			if (filter.test(r)) {
				matching.add(r);
			}
		}
		return matching;
	}

	private void handle(HttpExchange exchange) throws IOException {
		try (exchange) {
			peers.add(exchange.getRemoteAddress());
			var body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
			var path = exchange.getRequestURI().getPath();
			var headers = exchange.getRequestHeaders();
			received.add(new Received(path, String.valueOf(headers.getFirst("webhook-id")),
					String.valueOf(headers.getFirst("webhook-timestamp")),
					String.valueOf(headers.getFirst("webhook-signature")), body, Instant.now(),
					String.valueOf(headers.getFirst("Host"))));
			var delay = delays.get(path);
			if (delay != null) {
				try {
					Thread.sleep(delay.toMillis());
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
			}
			var queued = answers.get(path);
			Integer code = queued == null ? null : queued.poll();
			var answer = ("{\"received\":true,\"path\":\"" + path + "\"}").getBytes(StandardCharsets.UTF_8);
			exchange.getResponseHeaders().add("Content-Type", "application/json");
			exchange.sendResponseHeaders(code == null ? 200 : code, answer.length);
			exchange.getResponseBody().write(answer);
		}
		catch (IOException ex) {
			// the server gave up waiting: nothing to answer
		}
	}

	@Override
	public void close() {
		server.stop(0);
		threads.shutdownNow();
	}

}
