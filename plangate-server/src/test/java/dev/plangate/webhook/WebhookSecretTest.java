package dev.plangate.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Base64;
import java.util.HashSet;

import org.junit.jupiter.api.Test;

/** Secrets and signatures in the Standard Webhooks format. */
class WebhookSecretTest {

	@Test
	void aSignatureIsTheOneOfTheStandardWebhooksExample() {
		// given: the example of the Standard Webhooks specification
		var secret = new WebhookSecret("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");

		// when
		var signature = secret.sign("msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, "{\"test\": 2432232314}");

		// then
		assertThat(signature).isEqualTo("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
	}

	@Test
	void aNewSecretIs32RandomBytesAfterWhsec() {
		var seen = new HashSet<String>();
		for (int i = 0; i < 100; i++) {
			var secret = WebhookSecret.generate();
			assertThat(secret.text()).startsWith("whsec_");
			assertThat(Base64.getDecoder().decode(secret.text().substring(6))).hasSize(32);
			assertThat(seen.add(secret.text())).isTrue();
			assertThat(secret.toString()).doesNotContain(secret.text());
		}
	}

	@Test
	void aSignatureVerifiesAsTheReceiverChecksIt() {
		var secret = WebhookSecret.generate();
		var now = Instant.now();
		var signature = secret.sign("evt", now.getEpochSecond(), "{}");
		var received = new WebhookReceiver.Received("/", "evt", Long.toString(now.getEpochSecond()), signature, "{}",
				now, "localhost");
		assertThat(received.verifies(secret.text(), now)).isTrue();
		assertThat(received.verifies(secret.text(), now.plusSeconds(301))).as("outside the tolerance").isFalse();
		var altered = new WebhookReceiver.Received("/", "evt", Long.toString(now.getEpochSecond()), signature, "{ }",
				now, "localhost");
		assertThat(altered.verifies(secret.text(), now)).as("another body").isFalse();
	}

}
