package dev.plangate.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import org.junit.jupiter.api.Test;

class MailTest {

	@Test
	void acceptsABareAddress() {
		// when
		var mail = new Mail("ada@example.com", "Welcome", "Hello");

		// then
		assertThat(mail.to()).isEqualTo("ada@example.com");
	}

	@Test
	void rejectsWhatIsNotOneBareAddress() {
		for (var bad : new String[] { "", "ada", "ada@", "@example.com", "ada@example.com, bob@example.com",
				"Ada <ada@example.com>", "ada@example.com\r\nBcc: eve@example.com", "a da@example.com" }) {
			assertThatIllegalArgumentException().as(bad).isThrownBy(() -> new Mail(bad, "Welcome", "Hello"));
		}
	}

	@Test
	void rejectsASubjectOfMoreThanOneLine() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new Mail("ada@example.com", "Welcome\r\nBcc: eve@example.com", "Hello"))
			.withMessageContaining("one line");
	}

	@Test
	void carriesAnHtmlPartOrNone() {
		// when
		var rich = new Mail("ada@example.com", "Welcome", "Hello", "<p>Hello</p>");
		var plain = new Mail("ada@example.com", "Welcome", "Hello");

		// then
		assertThat(rich.html()).isEqualTo("<p>Hello</p>");
		assertThat(plain.html()).isNull();
		assertThatIllegalArgumentException().isThrownBy(() -> new Mail("ada@example.com", "Welcome", "Hello", " "))
			.withMessageContaining("html");
	}

	@Test
	void neverShowsItsTextInMessagesOrToString() {
		// given
		var token = "secret-token-123";

		// when
		var mail = new Mail("ada@example.com", "Reset", token);

		// then
		assertThat(mail.toString()).doesNotContain(token);
		assertThatIllegalArgumentException().isThrownBy(() -> new Mail("ada@example.com", "Reset", token.repeat(9000)))
			.withMessageNotContaining(token);
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new Mail("ada@example.com", "Reset", token, token.repeat(9000)))
			.withMessageNotContaining(token);
	}

}
