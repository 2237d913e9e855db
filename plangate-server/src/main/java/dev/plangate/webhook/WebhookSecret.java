package dev.plangate.webhook;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * An endpoint's signing secret in the Standard Webhooks format: {@code whsec_} and the
 * base64 of 32 random bytes. A delivery is signed {@code v1,} + base64 of
 * HMAC-SHA256(key, {@code id.timestamp.body}), so the Standard Webhooks libraries verify
 * it.
 */
record WebhookSecret(String text) {

	static final String PREFIX = "whsec_";

	private static final SecureRandom RANDOM = new SecureRandom();

	WebhookSecret {
		if (!text.startsWith(PREFIX)) {
			throw new IllegalArgumentException("A webhook secret starts with " + PREFIX);
		}
	}

	static WebhookSecret generate() {
		var key = new byte[32];
		RANDOM.nextBytes(key);
		return new WebhookSecret(PREFIX + Base64.getEncoder().encodeToString(key));
	}

	/** What a listing shows of it: enough to tell secrets apart, nothing to sign with. */
	String shown() {
		return text.substring(0, PREFIX.length() + 4) + "…";
	}

	/** The {@code v1,…} signature of one delivery. */
	String sign(String id, long timestamp, String body) {
		try {
			var mac = Mac.getInstance("HmacSHA256");
			mac.init(new SecretKeySpec(Base64.getDecoder().decode(text.substring(PREFIX.length())), "HmacSHA256"));
			var signed = mac.doFinal((id + "." + timestamp + "." + body).getBytes(StandardCharsets.UTF_8));
			return "v1," + Base64.getEncoder().encodeToString(signed);
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("HmacSHA256 is not available", ex);
		}
	}

	@Override
	public String toString() {
		return "WebhookSecret[" + shown() + "]";
	}

}
