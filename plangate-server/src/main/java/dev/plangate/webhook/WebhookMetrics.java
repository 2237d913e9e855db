package dev.plangate.webhook;

import java.time.Duration;

import org.springframework.stereotype.Component;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * This node's webhook attempts: {@code plangate.webhook.deliveries} by outcome
 * ({@code succeeded}, {@code retried}: failed and to be tried again, {@code failed}: the
 * last attempt failed), and their durations.
 */
@Component
class WebhookMetrics {

	private final Counter succeeded;

	private final Counter retried;

	private final Counter failed;

	private final Timer duration;

	WebhookMetrics(MeterRegistry registry) {
		this.succeeded = counter(registry, "succeeded");
		this.retried = counter(registry, "retried");
		this.failed = counter(registry, "failed");
		this.duration = Timer.builder("plangate.webhook.delivery")
			.description("Webhook delivery attempts, from connecting to the endpoint's answer")
			.publishPercentileHistogram()
			.register(registry);
	}

	private static Counter counter(MeterRegistry registry, String outcome) {
		return Counter.builder("plangate.webhook.deliveries")
			.description("Webhook delivery attempts by outcome")
			.tag("outcome", outcome)
			.register(registry);
	}

	void attempt(Duration took) {
		duration.record(took);
	}

	void succeeded() {
		succeeded.increment();
	}

	void retried() {
		retried.increment();
	}

	void failed() {
		failed.increment();
	}

}
