package dev.plangate.identity.account;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import java.util.regex.Pattern;

import dev.plangate.support.Api;
import dev.plangate.support.TestMail;
import tools.jackson.databind.JsonNode;

/**
 * Signs people up and in over HTTP, reading the mails they get from the test SMTP server.
 */
public final class AccountCalls {

	public static final String PASSWORD = "violet kestrel lantern";

	private static final Pattern TOKEN = Pattern.compile("token=([A-Za-z0-9_-]+)");

	private AccountCalls() {
	}

	public static Api.Response register(Api anonymous, String email, String password) {
		return anonymous.post("/v1/auth/register", Api.json(Map.of("email", email, "password", password)));
	}

	/** Registers and confirms the address; answers the email. */
	public static String verifiedAccount(Api anonymous, String prefix) {
		var email = TestMail.uniqueAddress(prefix);
		assertThat(register(anonymous, email, PASSWORD).status()).isEqualTo(202);
		var token = tokenOfMail(email, 1);
		var verified = anonymous.post("/v1/auth/verify-email", Api.json(Map.of("token", token)));
		assertThat(verified.status()).as(verified.toString()).isEqualTo(200);
		return email;
	}

	public static Api.Response login(Api anonymous, String login, String password) {
		return anonymous.post("/v1/auth/login", Api.json(Map.of("login", login, "password", password)));
	}

	/** Signs in; answers the sign-in's JSON. */
	public static JsonNode signIn(Api anonymous, String login) {
		var response = login(anonymous, login, PASSWORD);
		assertThat(response.status()).as(response.toString()).isEqualTo(200);
		return response.body();
	}

	public static Api as(Api anonymous, JsonNode signIn) {
		return anonymous.withKey(signIn.get("accessToken").asString());
	}

	/** The token in the link of the {@code n}th mail (1-based) to the address. */
	public static String tokenOfMail(String address, int n) {
		var text = mail(address, n).text();
		var matcher = TOKEN.matcher(text);
		assertThat(matcher.find()).as("a token link in: " + text).isTrue();
		return matcher.group(1);
	}

	/** The {@code n}th mail (1-based) to the address, waiting up to 10 s for it. */
	public static TestMail.Received mail(String address, int n) {
		long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
		while (true) {
			var mails = TestMail.messagesTo(address);
			if (mails.size() >= n) {
				return mails.get(n - 1);
			}
			assertThat(System.nanoTime()).as("mail " + n + " to " + address + " within 10 s").isLessThan(deadline);
			try {
				Thread.sleep(25);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new AssertionError(ex);
			}
		}
	}

}
