package dev.plangate.client;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;

import org.jspecify.annotations.Nullable;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JavaType;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Plangate's HTTP and JSON for every call of the client: one {@link HttpClient} (its
 * connections are kept and reused), the server key, timeouts, retries per the
 * {@link RetryPolicy} with one {@code Idempotency-Key} for every attempt of a mutating
 * call, and error answers turned into typed exceptions.
 */
final class Transport {

	static final JsonMapper JSON = JsonMapper.builder()
		.disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
		.build();

	private static final String IDEMPOTENCY_KEY = "Idempotency-Key";

	private final HttpClient http;

	private final URI base;

	private final String key;

	private final Duration requestTimeout;

	private final RetryPolicy retry;

	Transport(URI base, String key, Duration connectTimeout, Duration requestTimeout, RetryPolicy retry) {
		this.base = Objects.requireNonNull(base, "base");
		this.key = Objects.requireNonNull(key, "key");
		this.requestTimeout = Objects.requireNonNull(requestTimeout, "requestTimeout");
		this.retry = Objects.requireNonNull(retry, "retry");
		this.http = HttpClient.newBuilder().connectTimeout(connectTimeout).build();
	}

	URI base() {
		return base;
	}

	/** A read ({@code GET}), retried on safe failures. */
	JsonNode get(String pathAndQuery) {
		return send("GET", pathAndQuery, null, null);
	}

	/**
	 * A change, with an {@code Idempotency-Key} of its own, the same on every attempt.
	 */
	JsonNode send(String method, String pathAndQuery, @Nullable JsonNode body) {
		return send(method, pathAndQuery, body, UUID.randomUUID().toString());
	}

	/**
	 * One call: {@code idempotencyKey} (sent as the header on every attempt) is absent
	 * only for reads.
	 */
	JsonNode send(String method, String pathAndQuery, @Nullable JsonNode body, @Nullable String idempotencyKey) {
		return send(method, pathAndQuery, body, idempotencyKey, requestTimeout);
	}

	/** One call with a timeout of its own (a long poll's). */
	JsonNode send(String method, String pathAndQuery, @Nullable JsonNode body, @Nullable String idempotencyKey,
			Duration timeout) {
		return call(method, pathAndQuery, body, idempotencyKey, timeout, idempotencyKey != null || "GET".equals(method),
				false);
	}

	/**
	 * A change whose answer matters only as a success: sent with {@code Prefer:
	 * return=minimal} (RFC 7240), which lets the server answer a summary instead of
	 * echoing what was sent.
	 */
	JsonNode sendMinimal(String method, String pathAndQuery, JsonNode body, String idempotencyKey) {
		return call(method, pathAndQuery, body, idempotencyKey, requestTimeout, true, true);
	}

	/**
	 * A question sent as a {@code POST} that changes nothing ({@code /v1/check}): retried
	 * like a read, and without an {@code Idempotency-Key}, which would only make the
	 * server keep its answer.
	 */
	JsonNode ask(String path, JsonNode body) {
		return call("POST", path, body, null, requestTimeout, true, false);
	}

	private JsonNode call(String method, String pathAndQuery, @Nullable JsonNode body, @Nullable String idempotencyKey,
			Duration timeout, boolean repeatable, boolean minimal) {
		var uri = base.resolve(pathAndQuery);
		String text = body == null ? null : JSON.writeValueAsString(body);
		for (int attempt = 1;; attempt++) {
			var request = HttpRequest.newBuilder(uri)
				.timeout(timeout)
				.header("Authorization", "Bearer " + key)
				.header("Accept", "application/json");
			if (idempotencyKey != null) {
				request.header(IDEMPOTENCY_KEY, idempotencyKey);
			}
			if (minimal) {
				request.header("Prefer", "return=minimal");
			}
			if (text == null) {
				request.method(method, HttpRequest.BodyPublishers.noBody());
			}
			else {
				request.header("Content-Type", "application/json")
					.method(method, HttpRequest.BodyPublishers.ofString(text, StandardCharsets.UTF_8));
			}
			HttpResponse<String> response;
			try {
				response = http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
			}
			catch (IOException ex) {
				if (attempt >= retry.maxAttempts() || !repeatable) {
					throw new PlangateConnectionException(
							method + " " + uri + " failed after " + attempt + " attempt(s): " + ex, ex);
				}
				pause(retry.backoff(attempt, ThreadLocalRandom.current().nextDouble()), method, uri, ex);
				continue;
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new PlangateConnectionException(method + " " + uri + " was interrupted", ex);
			}
			int status = response.statusCode();
			var json = parse(response.body());
			if (status < 300) {
				if (json == null) {
					throw new PlangateConnectionException(
							"Plangate answered " + status + " with no JSON: " + abbreviate(response.body()), null);
				}
				return json;
			}
			var problem = json == null ? JSON.missingNode() : json;
			var failure = problem(status, problem, response.body(), response.headers());
			var wait = retryable(status, failure.code(), repeatable)
					? waitBeforeRetry(attempt, status, response.headers()) : null;
			if (wait == null || attempt >= retry.maxAttempts()) {
				throw failure;
			}
			pause(wait, method, uri, failure);
		}
	}

	/**
	 * A streamed answer, line by line, for Server-Sent Events: no request timeout, and
	 * not retried here (the caller resumes with {@code Last-Event-ID}).
	 */
	Stream<String> lines(String pathAndQuery, @Nullable String lastEventId) {
		var uri = base.resolve(pathAndQuery);
		var request = HttpRequest.newBuilder(uri)
			.header("Authorization", "Bearer " + key)
			.header("Accept", "text/event-stream");
		if (lastEventId != null) {
			request.header("Last-Event-ID", lastEventId);
		}
		HttpResponse<Stream<String>> response;
		try {
			response = http.send(request.GET().build(), HttpResponse.BodyHandlers.ofLines());
		}
		catch (IOException ex) {
			throw new PlangateConnectionException("GET " + uri + " failed: " + ex, ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new PlangateConnectionException("GET " + uri + " was interrupted", ex);
		}
		if (response.statusCode() >= 300) {
			var body = String.join("\n", response.body().toList());
			var json = parse(body);
			throw problem(response.statusCode(), json == null ? JSON.missingNode() : json, body, response.headers());
		}
		return response.body();
	}

	private static boolean retryable(int status, @Nullable String code, boolean repeatable) {
		if (!repeatable) {
			return false;
		}
		return switch (status) {
			case 502, 503, 504 -> true;
			// a refusal of the customer is an answer, not a failure of the call
			case 429 -> !"rate_limited".equals(code) && !"concurrency_limit_reached".equals(code);
			case 409 -> "idempotency_key_in_use".equals(code);
			default -> false;
		};
	}

	/**
	 * How long to wait before the next attempt: the answer's {@code Retry-After}, or the
	 * backoff; absent when the answer asks for a longer wait than the policy allows, or
	 * when a 429 gives no {@code Retry-After}.
	 */
	private @Nullable Duration waitBeforeRetry(int attempt, int status, HttpHeaders headers) {
		var retryAfter = headers.firstValue("Retry-After").map(Transport::retryAfter).orElse(null);
		if (retryAfter == null) {
			return status == 429 || headers.firstValue("Retry-After").isPresent() ? null
					: retry.backoff(attempt, ThreadLocalRandom.current().nextDouble());
		}
		return retryAfter.compareTo(retry.maxRetryAfter()) > 0 ? null : retryAfter;
	}

	/** {@code Retry-After} in seconds or as an HTTP date; absent when unreadable. */
	static @Nullable Duration retryAfter(String value) {
		try {
			return Duration.ofSeconds(Math.max(0, Long.parseLong(value.trim())));
		}
		catch (NumberFormatException ex) {
			try {
				var at = java.time.ZonedDateTime.parse(value.trim(),
						java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME);
				var wait = Duration.between(Instant.now(), at.toInstant());
				return wait.isNegative() ? Duration.ZERO : wait;
			}
			catch (java.time.format.DateTimeParseException unreadable) {
				return null;
			}
		}
	}

	private static void pause(Duration wait, String method, URI uri, Exception cause) {
		try {
			Thread.sleep(wait.toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new PlangateConnectionException(method + " " + uri + " was interrupted while waiting to retry",
					cause);
		}
	}

	private static @Nullable JsonNode parse(String text) {
		if (text.isEmpty()) {
			return JSON.missingNode();
		}
		try {
			return JSON.readTree(text);
		}
		catch (JacksonException ex) {
			return null;
		}
	}

	/** The typed exception for an error answer. */
	static PlangateApiException problem(int status, JsonNode problem, String body, HttpHeaders headers) {
		String code = problem.path("code").asString("");
		String text = abbreviate(body);
		return switch (code) {
			case "quota_exceeded" -> new QuotaExceededException(status, problem, text, refusal(problem, headers));
			case "rate_limited" -> new RateLimitedException(status, problem, text, refusal(problem, headers));
			case "concurrency_limit_reached" ->
				new ConcurrencyLimitReachedException(status, problem, text, refusal(problem, headers));
			case "feature_not_in_plan" ->
				new FeatureNotInPlanException(status, problem, text, refusal(problem, headers));
			case "subscription_inactive" ->
				new SubscriptionInactiveException(status, problem, text, refusal(problem, headers));
			case "customer_suspended" ->
				new CustomerSuspendedException(status, problem, text, refusal(problem, headers));
			default -> switch (status) {
				case 400, 422 -> new ValidationException(status, problem, text);
				case 401 -> new AuthenticationException(status, problem, text);
				case 403 -> new PermissionDeniedException(status, problem, text);
				case 404 -> new NotFoundException(status, problem, text);
				case 409 -> new ConflictException(status, problem, text);
				default -> new PlangateApiException(status, problem, text);
			};
		};
	}

	/** A refusal's problem members as a decision. */
	private static Decision refusal(JsonNode p, HttpHeaders headers) {
		Long retryAfter = number(p, "retryAfter");
		if (retryAfter == null) {
			var header = headers.firstValue("Retry-After").map(Transport::retryAfter).orElse(null);
			retryAfter = header == null ? null : header.toSeconds();
		}
		return decision(p, retryAfter);
	}

	/**
	 * A verdict as a decision: read member by member, since a refusal's problem holds
	 * only some of them (and a lease's names the slots held {@code held}).
	 */
	static Decision decision(JsonNode p, @Nullable Long retryAfter) {
		Long used = number(p, "used");
		return new Decision(p.path("allowed").asBoolean(false), text(p, "code"), p.path("customerId").asString(""),
				p.path("feature").asString(""), text(p, "kind"), p.path("amount").asLong(1), number(p, "limit"),
				p.path("unlimited").asBoolean(false), used == null ? number(p, "held") : used, number(p, "remaining"),
				instant(p, "resetsAt"), text(p, "upgradePlan"), p.path("duplicate").asBoolean(false),
				number(p, "windowSeconds"), retryAfter == null ? number(p, "retryAfter") : retryAfter,
				number(p, "fromGrants"), number(p, "grantsRemaining"), p.path("overage").asBoolean(false),
				number(p, "overageUnits"), number(p, "overageCap"));
	}

	private static @Nullable Long number(JsonNode node, String name) {
		return node.path(name).isNumber() ? node.path(name).asLong() : null;
	}

	private static @Nullable String text(JsonNode node, String name) {
		return node.path(name).isString() ? node.path(name).asString() : null;
	}

	private static @Nullable Instant instant(JsonNode node, String name) {
		return node.path(name).isString() ? Instant.parse(node.path(name).asString()) : null;
	}

	private static String abbreviate(String text) {
		return text.length() <= 2000 ? text : text.substring(0, 2000) + "…";
	}

	static <T> T read(JsonNode json, Class<T> type) {
		return JSON.treeToValue(json, type);
	}

	static <T> Page<T> page(JsonNode json, Class<T> item) {
		JavaType type = JSON.getTypeFactory().constructParametricType(Page.class, item);
		return JSON.treeToValue(json, type);
	}

	static <T> List<T> list(JsonNode json, Class<T> item) {
		var items = new ArrayList<T>();
		json.forEach(node -> items.add(JSON.treeToValue(node, item)));
		return List.copyOf(items);
	}

	static String encode(String text) {
		return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
	}

	/** A query string, of the parameters that have a value. */
	static final class Query {

		private final List<String> parameters = new ArrayList<>();

		Query add(String name, @Nullable Object value) {
			if (value != null) {
				parameters.add(name + "=" + encode(value.toString()));
			}
			return this;
		}

		@Override
		public String toString() {
			return parameters.isEmpty() ? "" : "?" + String.join("&", parameters);
		}

	}

}
