package dev.plangate.notify;

import java.util.concurrent.atomic.AtomicLong;

import org.springframework.stereotype.Component;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The outbox's metrics: this node's sends by outcome, and the backlog of the whole system
 * (read from the database by the dispatcher).
 */
@Component
class MailMetrics {

	private final Counter sent;

	private final Counter failed;

	private final Counter retried;

	private final AtomicLong backlog = new AtomicLong();

	MailMetrics(MeterRegistry registry) {
		this.sent = Counter.builder("plangate.mail.sent")
			.description("Mails handed to the transport")
			.register(registry);
		this.failed = Counter.builder("plangate.mail.failed")
			.description("Mails given up after their last attempt")
			.register(registry);
		this.retried = Counter.builder("plangate.mail.retried")
			.description("Failed attempts to be tried again")
			.register(registry);
		Gauge.builder("plangate.mail.outbox.backlog", backlog, AtomicLong::get)
			.description("Mails waiting to be sent or being sent, in the whole system")
			.register(registry);
	}

	void sent() {
		sent.increment();
	}

	void failed() {
		failed.increment();
	}

	void retried() {
		retried.increment();
	}

	void backlog(long mails) {
		backlog.set(mails);
	}

}
