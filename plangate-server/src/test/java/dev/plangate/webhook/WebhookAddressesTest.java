package dev.plangate.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Which URLs deliveries may go to, with internal addresses forbidden (the default). */
class WebhookAddressesTest {

	private final WebhookAddresses forbidding = new WebhookAddresses(false);

	private final WebhookAddresses allowing = new WebhookAddresses(true);

	@Test
	void internalAddressesAreRefusedNamingWhatTheyAre() {
		for (var url : new String[] { "http://127.0.0.1/hook", "http://localhost:8080/hook", "http://10.1.2.3/",
				"http://172.16.0.1/", "http://192.168.1.1/", "http://169.254.169.254/latest/meta-data",
				"http://0.0.0.0/", "http://[::1]/", "http://[fe80::1]/", "http://[fd12:3456::1]/",
				"http://[::ffff:127.0.0.1]/", "http://224.0.0.1/", "http://100.64.0.1/", "http://[::]/" }) {
			assertThatThrownBy(() -> forbidding.check(url)).as(url)
				.isInstanceOfSatisfying(WebhookAddresses.Refused.class, ex -> assertThat(ex.address()).isTrue())
				.hasMessageContaining("which webhooks may not reach");
		}
	}

	@Test
	void publicAddressesAreAllowed() {
		for (var url : new String[] { "https://93.184.216.34/hook", "http://8.8.8.8:8080/x?y=1",
				"https://[2606:4700:4700::1111]/" }) {
			assertThat(forbidding.check(url).toString()).isEqualTo(url);
		}
	}

	@Test
	void internalAddressesAreAllowedWhenTheSettingSaysSo() {
		assertThat(allowing.check("http://127.0.0.1:9000/hook").getPort()).isEqualTo(9000);
		assertThat(allowing.check("http://[::1]/").getHost()).isEqualTo("[::1]");
	}

	@Test
	void urlsThatAreNotHttpAreRefusedWhateverTheSetting() {
		for (var url : new String[] { "ftp://example.com/", "file:///etc/passwd", "example.com/hook", "http://",
				"https://user:pass@example.com/", "https://example.com/#part", "http://exa mple.com/",
				"https://example.com/" + "a".repeat(2048) }) {
			assertThatThrownBy(() -> allowing.check(url)).as(url)
				.isInstanceOfSatisfying(WebhookAddresses.Refused.class, ex -> assertThat(ex.address()).isFalse());
		}
	}

}
