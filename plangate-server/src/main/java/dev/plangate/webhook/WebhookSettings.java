package dev.plangate.webhook;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.boot.convert.DurationStyle;

import dev.plangate.platform.Settings;

/**
 * Webhook endpoints and their deliveries ({@code plangate.webhooks.*}; docs/webhooks.md).
 *
 * @param customerFeature the catalog feature a customer's plan must grant for endpoints
 * that receive that customer's events (registered by the end user, or by the product for
 * it)
 * @param allowPrivateAddresses whether endpoint URLs may resolve to loopback, private,
 * link-local or other internal addresses; off, such a URL is refused, and checked again
 * before each delivery
 * @param operatorEmail who is mailed when an endpoint is disabled after failing
 * throughout its retries; empty for nobody (the event {@code webhook_endpoint.disabled}
 * and the audit log still tell)
 * @param connectTimeout how long a delivery waits to connect to an endpoint
 * @param requestTimeout how long a delivery waits for the endpoint's answer, in all
 * @param maxResponseBytes how much of an endpoint's answer is read; the delivery log
 * keeps its first KB
 * @param concurrency deliveries one node makes at once
 * @param endpointConcurrency deliveries one node makes at once to one endpoint, so that a
 * slow endpoint cannot hold every sender
 * @param pollInterval how often a node looks for deliveries due that nobody woke it for
 * (retries, other nodes' events, a crashed node's)
 * @param claimTimeout how long a node holds a delivery it makes; past it, any node makes
 * it again. Longer than the connect and request timeouts together.
 * @param retrySchedule the waits after each failed attempt (each ±20 % at random); after
 * the last, the delivery has failed
 * @param disableAfter an endpoint whose deliveries have all failed for this long is
 * disabled
 * @param secretOverlap how long a rotated-out secret still signs, beside the new one,
 * unless the rotation names another overlap
 * @param eventRetention how long the event log keeps an event, with its deliveries and
 * their attempts; an event that an endpoint still waits to receive (a delivery pending,
 * as to a disabled endpoint) is kept until it is delivered or the endpoint deleted
 */
@ConfigurationProperties("plangate.webhooks")
record WebhookSettings(@DefaultValue("webhooks") String customerFeature,
		@DefaultValue("false") boolean allowPrivateAddresses, @DefaultValue("") String operatorEmail,
		@DefaultValue("5s") Duration connectTimeout, @DefaultValue("15s") Duration requestTimeout,
		@DefaultValue("65536") int maxResponseBytes, @DefaultValue("16") int concurrency,
		@DefaultValue("8") int endpointConcurrency, @DefaultValue("1s") Duration pollInterval,
		@DefaultValue("1m") Duration claimTimeout,
		@DefaultValue("5s,5m,30m,2h,5h,10h,14h,20h,24h") String retrySchedule,
		@DefaultValue("3d") Duration disableAfter, @DefaultValue("24h") Duration secretOverlap,
		@DefaultValue("30d") Duration eventRetention) {

	WebhookSettings {
		customerFeature = Settings.notBlank("plangate.webhooks.customer-feature", customerFeature);
		operatorEmail = operatorEmail.strip();
		Settings.require(operatorEmail.isEmpty() || operatorEmail.matches("[^@\\s]+@[^@\\s]+"),
				"plangate.webhooks.operator-email", "must be an email address or empty, not '" + operatorEmail + "'");
		Settings.between("plangate.webhooks.connect-timeout", connectTimeout, Duration.ofMillis(100),
				Duration.ofMinutes(1));
		Settings.between("plangate.webhooks.request-timeout", requestTimeout, Duration.ofMillis(100),
				Duration.ofMinutes(5));
		Settings.between("plangate.webhooks.max-response-bytes", maxResponseBytes, 1024, 10 * 1024 * 1024);
		Settings.between("plangate.webhooks.concurrency", concurrency, 1, 256);
		Settings.between("plangate.webhooks.endpoint-concurrency", endpointConcurrency, 1, 256);
		Settings.positive("plangate.webhooks.poll-interval", pollInterval);
		Settings.require(claimTimeout.compareTo(connectTimeout.plus(requestTimeout)) > 0,
				"plangate.webhooks.claim-timeout", "must be longer than the connect and request timeouts together ("
						+ Settings.show(connectTimeout.plus(requestTimeout)) + "), not " + Settings.show(claimTimeout));
		parse(retrySchedule);
		Settings.positive("plangate.webhooks.disable-after", disableAfter);
		Settings.notNegative("plangate.webhooks.secret-overlap", secretOverlap);
		Settings.between("plangate.webhooks.event-retention", eventRetention, Duration.ofDays(1),
				Duration.ofDays(3660));
	}

	/** The waits of {@code retrySchedule}, in order. */
	List<Duration> retryWaits() {
		return parse(retrySchedule);
	}

	private static List<Duration> parse(String schedule) {
		var waits = new ArrayList<Duration>();
		for (var part : schedule.split(",")) {
			try {
				waits.add(DurationStyle.detectAndParse(part.strip()));
			}
			catch (IllegalArgumentException ex) {
				throw Settings.invalid("plangate.webhooks.retry-schedule",
						"must list durations separated by commas, such as '5s,5m,30m', not '" + schedule + "'");
			}
		}
		Settings.require(waits.size() <= 50, "plangate.webhooks.retry-schedule",
				"must list at most 50 waits, not " + waits.size());
		for (var wait : waits) {
			Settings.positive("plangate.webhooks.retry-schedule", wait);
		}
		return List.copyOf(waits);
	}

}
