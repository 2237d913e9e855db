package dev.plangate.client;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

import org.jspecify.annotations.Nullable;

import dev.plangate.client.Transport.Query;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Plangate's reporting calls for a product's backend, with a server key: usage history,
 * usage alerts, the event log and webhook endpoints. Reached as
 * {@link Plangate#reports()}, it shares the {@link Plangate} client's connections,
 * timeouts and retries; an error answer is thrown as a {@link PlangateApiException} (or
 * one of its subclasses) carrying the problem's stable {@code code}. Safe for use by many
 * threads at once.
 *
 * <pre>{@code
 * var page = plangate.reports().customerEvents("acme", EventQuery.newest().withType("subscription.*"));
 * }</pre>
 */
public final class PlangateClient {

	private static final JsonMapper JSON = Transport.JSON;

	private final Transport transport;

	/**
	 * A client of its own, with the default timeouts and {@link RetryPolicy}; an
	 * application holding a {@link Plangate} uses its {@link Plangate#reports()} instead,
	 * which shares its connections.
	 * @param base the server's address, such as {@code http://localhost:8080}
	 * @param key a server key ({@code pg_sk_…})
	 */
	public PlangateClient(URI base, String key) {
		this(new Transport(base, key, Plangate.DEFAULT_CONNECT_TIMEOUT, Plangate.DEFAULT_REQUEST_TIMEOUT,
				RetryPolicy.defaults()));
	}

	PlangateClient(Transport transport) {
		this.transport = transport;
	}

	// usage

	/**
	 * A customer's usage over time ({@code GET /v1/customers/{id}/usage/history}).
	 * @param feature one feature's usage; every metered feature's when absent
	 * @param from the start (inclusive); the server's default range when absent
	 * @param to the end (exclusive); now when absent
	 * @param granularity {@code hour}, {@code day} or {@code month}; chosen from the
	 * range when absent
	 */
	public UsageHistory usageHistory(String customerId, @Nullable String feature, @Nullable Instant from,
			@Nullable Instant to, @Nullable String granularity) throws IOException, InterruptedException {
		var query = new Query().add("feature", feature).add("from", from).add("to", to).add("granularity", granularity);
		return read(send("GET", customer(customerId) + "/usage/history" + query, null), UsageHistory.class);
	}

	/**
	 * A customer's usage alerts, newest first ({@code GET /v1/customers/{id}/alerts}).
	 * @param feature one feature's alerts; all when absent
	 * @param cursor a page's {@code nextCursor}, to read on; absent for the newest
	 * @param limit 1 to 500
	 */
	public Page<UsageAlert> alerts(String customerId, @Nullable String feature, @Nullable String cursor, int limit)
			throws IOException, InterruptedException {
		var query = new Query().add("feature", feature).add("cursor", cursor).add("limit", limit);
		return page(send("GET", customer(customerId) + "/alerts" + query, null), UsageAlert.class);
	}

	// the event log

	/** Events of every customer and of the platform ({@code GET /v1/events}). */
	public Page<Event> events(EventQuery query) throws IOException, InterruptedException {
		return page(send("GET", "/v1/events" + eventQuery(query), null), Event.class);
	}

	/**
	 * One customer's events, newest first ({@code GET /v1/customers/{id}/events}); 404
	 * {@code customer_not_found} for an unknown customer.
	 */
	public Page<Event> customerEvents(String customerId, EventQuery query) throws IOException, InterruptedException {
		return page(send("GET", customer(customerId) + "/events" + eventQuery(query), null), Event.class);
	}

	/**
	 * One event ({@code GET /v1/events/{id}}): 404 {@code event_not_found} if unknown.
	 */
	public Event event(UUID id) throws IOException, InterruptedException {
		return read(send("GET", "/v1/events/" + id, null), Event.class);
	}

	// webhook endpoints

	/**
	 * Registers an endpoint ({@code POST /v1/webhook-endpoints}); the answer holds its
	 * signing secret, shown this once.
	 */
	public WebhookEndpoint createWebhookEndpoint(NewWebhookEndpoint endpoint) throws IOException, InterruptedException {
		var body = JSON.createObjectNode().put("url", endpoint.url());
		putIfPresent(body, "description", endpoint.description());
		if (endpoint.eventTypes() != null) {
			endpoint.eventTypes().forEach(body.putArray("eventTypes")::add);
		}
		if (endpoint.enabled() != null) {
			body.put("enabled", endpoint.enabled());
		}
		putIfPresent(body, "customerId", endpoint.customerId());
		return read(send("POST", "/v1/webhook-endpoints", body), WebhookEndpoint.class);
	}

	/**
	 * Endpoints, oldest first ({@code GET /v1/webhook-endpoints}).
	 * @param customerId one customer's endpoints; all when absent
	 * @param cursor a page's {@code nextCursor}, to read on
	 * @param limit 1 to 200
	 */
	public Page<WebhookEndpoint> webhookEndpoints(@Nullable String customerId, @Nullable String cursor, int limit)
			throws IOException, InterruptedException {
		var query = new Query().add("customerId", customerId).add("cursor", cursor).add("limit", limit);
		return page(send("GET", "/v1/webhook-endpoints" + query, null), WebhookEndpoint.class);
	}

	/** One endpoint: 404 {@code webhook_endpoint_not_found} if unknown. */
	public WebhookEndpoint webhookEndpoint(UUID id) throws IOException, InterruptedException {
		return read(send("GET", endpoint(id), null), WebhookEndpoint.class);
	}

	/** Changes an endpoint ({@code PATCH}); what {@code changes} leaves absent stays. */
	public WebhookEndpoint updateWebhookEndpoint(UUID id, WebhookEndpointChanges changes)
			throws IOException, InterruptedException {
		var body = JSON.createObjectNode();
		putIfPresent(body, "url", changes.url());
		putIfPresent(body, "description", changes.description());
		if (changes.eventTypes() != null) {
			changes.eventTypes().forEach(body.putArray("eventTypes")::add);
		}
		if (changes.enabled() != null) {
			body.put("enabled", changes.enabled());
		}
		return read(send("PATCH", endpoint(id), body), WebhookEndpoint.class);
	}

	/** Deletes an endpoint with its delivery log; answers it as it was. */
	public WebhookEndpoint deleteWebhookEndpoint(UUID id) throws IOException, InterruptedException {
		return read(send("DELETE", endpoint(id), null), WebhookEndpoint.class);
	}

	/**
	 * A new signing secret ({@code POST …/rotate-secret}), in the answer this once.
	 * @param overlap how long the old secret still signs beside the new one (0 ends it at
	 * once); the server's setting (24 h) when absent
	 */
	public WebhookEndpoint rotateWebhookSecret(UUID id, @Nullable Duration overlap)
			throws IOException, InterruptedException {
		var body = JSON.createObjectNode();
		if (overlap != null) {
			body.put("overlapSeconds", overlap.toSeconds());
		}
		return read(send("POST", endpoint(id) + "/rotate-secret", body), WebhookEndpoint.class);
	}

	/**
	 * An endpoint's delivery log, newest first ({@code GET …/deliveries}).
	 * @param cursor a page's {@code nextCursor}, to read on
	 * @param limit 1 to 200
	 */
	public Page<WebhookDelivery> webhookDeliveries(UUID id, @Nullable String cursor, int limit)
			throws IOException, InterruptedException {
		var query = new Query().add("cursor", cursor).add("limit", limit);
		return page(send("GET", endpoint(id) + "/deliveries" + query, null), WebhookDelivery.class);
	}

	/** Delivers one event to the endpoint again, now ({@code POST …/retry}). */
	public WebhookDelivery retryWebhookDelivery(UUID id, long deliveryId) throws IOException, InterruptedException {
		return read(send("POST", endpoint(id) + "/deliveries/" + deliveryId + "/retry", null), WebhookDelivery.class);
	}

	/**
	 * Delivers again every event of {@code [from, to)} that the endpoint takes
	 * ({@code POST …/redeliver}); answers how many were queued.
	 */
	public int redeliver(UUID id, Instant from, Instant to) throws IOException, InterruptedException {
		var body = JSON.createObjectNode().put("from", from.toString()).put("to", to.toString());
		return send("POST", endpoint(id) + "/redeliver", body).path("queued").asInt();
	}

	// HTTP

	private static String customer(String customerId) {
		return "/v1/customers/" + encode(Objects.requireNonNull(customerId, "customerId"));
	}

	private static String endpoint(UUID id) {
		return "/v1/webhook-endpoints/" + Objects.requireNonNull(id, "id");
	}

	private static Query eventQuery(EventQuery query) {
		return new Query().add("type", query.type())
			.add("from", query.from())
			.add("to", query.to())
			.add("cursor", query.cursor())
			.add("limit", query.limit());
	}

	private static void putIfPresent(ObjectNode body, String name, @Nullable String value) {
		if (value != null) {
			body.put(name, value);
		}
	}

	private JsonNode send(String method, String pathAndQuery, @Nullable ObjectNode body) {
		return "GET".equals(method) ? transport.get(pathAndQuery) : transport.send(method, pathAndQuery, body);
	}

	private static <T> T read(JsonNode json, Class<T> type) {
		return Transport.read(json, type);
	}

	private static <T> Page<T> page(JsonNode json, Class<T> item) {
		return Transport.page(json, item);
	}

	private static String encode(String text) {
		return Transport.encode(text);
	}

}
