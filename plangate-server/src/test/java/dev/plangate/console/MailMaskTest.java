package dev.plangate.console;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MailMaskTest {

	@Test
	void aLinkKeepsItsOriginAndLosesItsPathAndQuery() {
		// when
		var masked = MailMask.mask("Open this link within 24 hours:\n\n"
				+ "https://app.example.com/verify-email?token=pg_vt_abc123DEF456ghi789JKL\n\nThanks.");

		// then
		assertThat(masked).isEqualTo("Open this link within 24 hours:\n\nhttps://app.example.com/[hidden]\n\nThanks.");
	}

	@Test
	void aTokenInALinksPathOrOnItsOwnIsHidden() {
		// when
		var inPath = MailMask.mask("<a href=\"http://localhost:8080/invitations/Zx81_kq0-PwYt7sLmN3aBc\">Accept</a>");
		var bare = MailMask.mask("Your code is Zx81kq0PwYt7sLmN3aBc42, valid 10 minutes.");

		// then
		assertThat(inPath).isEqualTo("<a href=\"http://localhost:8080/[hidden]\">Accept</a>");
		assertThat(bare).isEqualTo("Your code is [hidden], valid 10 minutes.");
	}

	@Test
	void wordsAndAddressesAreKept() {
		// given
		var text = "Hello ada@example.com, your organization-administrators role changed on 2026-12-01.";

		// when
		var masked = MailMask.mask(text);

		// then
		assertThat(masked).isEqualTo(text);
		assertThat(MailMask.mask(null)).isNull();
		assertThat(MailMask.mask("see https://example.com")).isEqualTo("see https://example.com");
	}

}
