package dev.plangate.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.jspecify.annotations.Nullable;
import org.springframework.transaction.support.TransactionTemplate;

import dev.plangate.bench.Options.Section;
import dev.plangate.platform.OutboundEvent;

/**
 * Webhook deliveries to a receiver on this machine, and what they cost the decisions made
 * meanwhile. Events are written first, with no endpoint to take them; then an endpoint is
 * made and asked to redeliver them all, and the time until the receiver has each (its
 * signature checked as the Standard Webhooks libraries do) gives the delivery rate.
 * Consumes run over HTTP while the deliveries are made, against consumes alone just
 * before. The baseline is the receiver's ceiling: the same bodies posted to it with the
 * JDK's HTTP client from as many threads as the server delivers with.
 */
final class WebhookSection {

	private static final Pattern SECRET = Pattern.compile("\"secret\"\\s*:\\s*\"(whsec_[^\"]+)\"");

	private static final Pattern ID = Pattern.compile("\"id\"\\s*:\\s*\"([0-9a-f-]{36})\"");

	private final Server server;

	private final Options options;

	private final Targets targets;

	WebhookSection(Server server, Options options, Targets targets) {
		this.server = server;
		this.options = options;
		this.targets = targets;
	}

	void run(PrintStream out) throws Exception {
		int events = options.webhookEvents();
		int senders = server.setting("plangate.webhooks.concurrency", Integer.class);
		var cpu = new CpuShare();
		try (var receiver = new Receiver()) {
			var from = Instant.now();
			long writing = System.nanoTime();
			write(events);
			double writeSeconds = (System.nanoTime() - writing) / 1e9;
			var to = Instant.now().plusMillis(1);
			var endpoint = createEndpoint(receiver);
			receiver.verifyWith(endpoint.secret());

			var ceiling = Load.closed("POST to the receiver, JDK HTTP client (ceiling)", senders, options.warmup(),
					options.duration(), () -> new ReceiverCaller(receiver), Profiler.OFF);
			var consumeAlone = consume("POST /v1/consume (quota), alone");

			receiver.reset();
			long start = System.nanoTime();
			try (var http = new HttpConnection(server.address)) {
				http.exchangeOrFail(server.request("POST", "/v1/webhook-endpoints/" + endpoint.id() + "/redeliver",
						"{\"from\":\"" + from + "\",\"to\":\"" + to + "\"}"));
			}
			double queueSeconds = (System.nanoTime() - start) / 1e9;
			var consumeDuring = consume("POST /v1/consume (quota), while delivering");
			boolean all = receiver.await(events, Duration.ofMinutes(10));
			double deliverSeconds = (System.nanoTime() - start) / 1e9;
			double rate = receiver.received() / deliverSeconds;

			out.printf(
					"== Webhook deliveries on %s: %,d events to one endpoint on this machine, %d senders "
							+ "(plangate.webhooks.concurrency); consumes on %d connections for %s after %s warm-up%n",
					server.stack.title, events, senders, options.connections(), Table.duration(options.duration()),
					Table.duration(options.warmup()));
			out.printf("events written in %.1f s (%,.0f/s, a transaction of 1,000 each); redelivery queued them in "
					+ "%.1f s%n", writeSeconds, events / writeSeconds, queueSeconds);
			var table = new Table("path", "per s", "x ceiling", "p50 ms", "p99 ms", "failed", "target");
			table.row(ceiling.name(), Table.count(ceiling.throughput()), Table.ratio(1),
					Table.millis(ceiling.p50Millis()), Table.millis(ceiling.p99Millis()),
					Table.count(ceiling.failures()), "");
			String stack = server.stack.label;
			table.row("webhook deliveries, queued to received", Table.count(rate),
					Table.ratio(rate / ceiling.throughput()), "", "",
					(all ? "" : "missing " + Table.count(events - receiver.received()) + ", ")
							+ Table.count(receiver.rejected()) + " bad signatures, "
							+ Table.count(receiver.duplicates()) + " twice",
					targets.check(stack + ": webhook deliveries >= 1,000/s", all && rate >= 1000,
							Table.count(rate) + "/s"));
			table.row(consumeAlone.name(), Table.count(consumeAlone.throughput()), "",
					Table.millis(consumeAlone.p50Millis()), Table.millis(consumeAlone.p99Millis()),
					Table.count(consumeAlone.failures()), "");
			double slowed = consumeDuring.throughput() / consumeAlone.throughput();
			table.row(consumeDuring.name(), Table.count(consumeDuring.throughput()), "",
					Table.millis(consumeDuring.p50Millis()), Table.millis(consumeDuring.p99Millis()),
					Table.count(consumeDuring.failures()),
					targets.check(stack + ": consume while delivering >= 0.9x consume alone", slowed >= 0.9,
							Table.ratio(slowed)));
			table.print(out);
			out.println(cpu.since());
		}
	}

	/**
	 * Writes {@code events} {@code customer.updated} events as the server's modules do, a
	 * thousand a transaction.
	 */
	private void write(int events) {
		var transactions = server.bean(TransactionTemplate.class);
		var publisher = server.events();
		for (int done = 0; done < events; done += 1000) {
			int first = done;
			int last = Math.min(events, done + 1000);
			transactions.executeWithoutResult(tx -> {
				for (int i = first; i < last; i++) {
					var customer = Server.customer(i);
					var data = new LinkedHashMap<String, Object>();
					data.put("id", customer);
					data.put("name", "Bench customer " + i);
					data.put("email", customer + "@example.com");
					data.put("status", "active");
					data.put("metadata", Map.of("seq", i));
					publisher.publishEvent(new OutboundEvent("customer.updated", customer, data));
				}
			});
		}
	}

	private record Endpoint(String id, String secret) {
	}

	private Endpoint createEndpoint(Receiver receiver) throws IOException {
		var body = new StringBuilder();
		try (var http = new HttpConnection(server.address)) {
			int status = http.exchange(server.request("POST", "/v1/webhook-endpoints",
					"{\"url\":\"" + receiver.url() + "\",\"eventTypes\":[\"customer.updated\"]}"), body);
			if (status != 201) {
				throw new IllegalStateException("Creating the endpoint answered " + status + ": " + body);
			}
		}
		var secret = SECRET.matcher(body);
		var id = ID.matcher(body);
		if (!secret.find() || !id.find()) {
			throw new IllegalStateException("No id and secret in " + body);
		}
		return new Endpoint(id.group(1), secret.group(1));
	}

	private Result consume(String name) {
		return Load
			.closed(name, options.connections(), options.warmup(), options.duration(),
					() -> new HttpSection.HttpCaller(server, n -> server.request("POST", "/v1/consume",
							"{\"customerId\":\"" + Server.customer(n) + "\",\"feature\":\"api_calls\",\"amount\":1,"
									+ "\"idempotencyKey\":\"webhook-bench-" + n + "\"}")),
					Profiler.of(options, Section.WEBHOOK, server.stack, System.out));
	}

	/**
	 * An HTTP server on loopback that takes deliveries, checks each signature and counts
	 * the events it was sent, once each.
	 */
	private static final class Receiver implements AutoCloseable {

		private final HttpServer http;

		private final ExecutorService threads = Executors.newFixedThreadPool(16);

		private final Set<String> ids = ConcurrentHashMap.newKeySet();

		private final AtomicLong duplicates = new AtomicLong();

		private final AtomicLong rejected = new AtomicLong();

		private volatile byte @Nullable [] key;

		Receiver() throws IOException {
			http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 256);
			http.createContext("/hook", this::take);
			http.createContext("/ceiling", this::drain);
			http.setExecutor(threads);
			http.start();
		}

		String url() {
			return "http://127.0.0.1:" + http.getAddress().getPort() + "/hook";
		}

		URI ceiling() {
			return URI.create("http://127.0.0.1:" + http.getAddress().getPort() + "/ceiling");
		}

		void verifyWith(String secret) {
			key = Base64.getDecoder().decode(secret.substring("whsec_".length()));
		}

		void reset() {
			ids.clear();
			duplicates.set(0);
			rejected.set(0);
		}

		int received() {
			return ids.size();
		}

		long duplicates() {
			return duplicates.get();
		}

		long rejected() {
			return rejected.get();
		}

		boolean await(int count, Duration atMost) throws InterruptedException {
			long deadline = System.nanoTime() + atMost.toNanos();
			while (ids.size() < count && System.nanoTime() < deadline) {
				Thread.sleep(5);
			}
			return ids.size() >= count;
		}

		private void take(HttpExchange exchange) throws IOException {
			byte[] body = exchange.getRequestBody().readAllBytes();
			var id = exchange.getRequestHeaders().getFirst("webhook-id");
			var timestamp = exchange.getRequestHeaders().getFirst("webhook-timestamp");
			var signatures = exchange.getRequestHeaders().getFirst("webhook-signature");
			boolean valid = id != null && timestamp != null && signatures != null
					&& signed(id, timestamp, body, signatures);
			if (!valid) {
				rejected.incrementAndGet();
			}
			else if (!ids.add(id)) {
				duplicates.incrementAndGet();
			}
			exchange.sendResponseHeaders(valid ? 204 : 400, -1);
			exchange.close();
		}

		private void drain(HttpExchange exchange) throws IOException {
			exchange.getRequestBody().readAllBytes();
			exchange.sendResponseHeaders(204, -1);
			exchange.close();
		}

		private boolean signed(String id, String timestamp, byte[] body, String signatures) {
			var secret = key;
			if (secret == null) {
				return false;
			}
			try {
				var mac = Mac.getInstance("HmacSHA256");
				mac.init(new SecretKeySpec(secret, "HmacSHA256"));
				mac.update((id + "." + timestamp + ".").getBytes(StandardCharsets.UTF_8));
				byte[] expected = mac.doFinal(body);
				for (var signature : signatures.split(" ")) {
					if (signature.startsWith("v1,")
							&& MessageDigest.isEqual(expected, Base64.getDecoder().decode(signature.substring(3)))) {
						return true;
					}
				}
				return false;
			}
			catch (Exception ex) {
				return false;
			}
		}

		@Override
		public void close() {
			http.stop(0);
			threads.shutdownNow();
		}

	}

	/** Posts a delivery-sized body to the receiver, as the server's sender would. */
	private static final class ReceiverCaller implements Load.Caller {

		private static final HttpClient CLIENT = HttpClient.newBuilder()
			.version(HttpClient.Version.HTTP_1_1)
			.connectTimeout(Duration.ofSeconds(5))
			.build();

		private final HttpRequest request;

		ReceiverCaller(Receiver receiver) {
			var body = "{\"id\":\"00000000-0000-0000-0000-000000000000\",\"type\":\"customer.updated\","
					+ "\"timestamp\":\"2026-12-04T00:00:00Z\",\"customerId\":\"bench-1\",\"data\":{\"email\":"
					+ "\"bench-1@example.com\",\"id\":\"bench-1\",\"metadata\":{\"seq\":1},\"name\":\"Bench customer 1\","
					+ "\"status\":\"active\"}}";
			this.request = HttpRequest.newBuilder(receiver.ceiling())
				.timeout(Duration.ofSeconds(15))
				.header("content-type", "application/json")
				.POST(HttpRequest.BodyPublishers.ofString(body))
				.build();
		}

		@Override
		public @Nullable String call(long n) throws Exception {
			int status = CLIENT.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
			return status / 100 == 2 ? null : "HTTP " + status;
		}

	}

}
