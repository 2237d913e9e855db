package dev.plangate.identity.organization;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;

import dev.plangate.identity.account.AccountCalls;
import dev.plangate.support.Api;
import dev.plangate.support.TestMail;
import tools.jackson.databind.JsonNode;

/** People with verified accounts, their organizations and the mails they get. */
final class OrganizationCalls {

	private static final Pattern TOKEN = Pattern.compile("token=([A-Za-z0-9_-]+)");

	private OrganizationCalls() {
	}

	/** A signed-in account with a verified address. */
	record Person(String email, UUID accountId, Api api) {
	}

	static Person person(Api anonymous, String prefix) {
		var email = AccountCalls.verifiedAccount(anonymous, prefix);
		var signIn = AccountCalls.signIn(anonymous, email);
		return new Person(email, UUID.fromString(signIn.path("account").path("id").asString()),
				AccountCalls.as(anonymous, signIn));
	}

	/** A plan allowing {@code seats} team members, created through the admin API. */
	static String planWithSeats(Api api, String key, int seats) {
		var response = api.post("/v1/admin/plans", """
				{"key": "%s", "name": "Team", "price": 1900, "interval": "month",
				 "entitlements": {"api_access": true, "seats": %d, "api_calls": 5000}}
				""".formatted(key, seats));
		assertThat(response.status()).as(response.toString()).isEqualTo(201);
		return key;
	}

	/** Moves the organization to the plan, as the product's backend does. */
	static void subscribe(Api api, String organizationId, String plan) {
		var response = api.post("/v1/customers/" + organizationId + "/subscription", Api.json(Map.of("plan", plan)));
		assertThat(response.status()).as(response.toString()).isEqualTo(200);
	}

	/** Creates an organization; answers its id. */
	static String organization(Person owner, String name) {
		var response = owner.api().post("/v1/me/organizations", Api.json(Map.of("name", name)));
		assertThat(response.status()).as(response.toString()).isEqualTo(201);
		return response.body().path("id").asString();
	}

	static Api.Response invite(Person by, String organizationId, String email, String role) {
		return by.api()
			.post("/v1/me/organizations/" + organizationId + "/invitations",
					Api.json(Map.of("email", email, "role", role)));
	}

	static Api.Response accept(Person who, String token) {
		return who.api().post("/v1/me/invitations/accept", Api.json(Map.of("token", token)));
	}

	/** Invites and accepts; answers the invitation's token. */
	static String join(Person by, String organizationId, Person who, String role) {
		var invited = invite(by, organizationId, who.email(), role);
		assertThat(invited.status()).as(invited.toString()).isEqualTo(201);
		var token = invitationToken(who.email());
		var accepted = accept(who, token);
		assertThat(accepted.status()).as(accepted.toString()).isEqualTo(200);
		return token;
	}

	/** The token of the newest invitation mail to the address, waiting up to 10 s. */
	static String invitationToken(String address) {
		var mail = awaitMail(address, "You are invited to join", 1);
		var matcher = TOKEN.matcher(mail.text());
		assertThat(matcher.find()).as("a token link in: " + mail.text()).isTrue();
		return matcher.group(1);
	}

	/**
	 * The newest mail to the address whose subject starts so, once there are {@code n}.
	 */
	static TestMail.Received awaitMail(String address, String subject, int n) {
		long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
		while (true) {
			var mails = TestMail.messagesTo(address).stream().filter(m -> m.subject().startsWith(subject)).toList();
			if (mails.size() >= n) {
				return mails.get(mails.size() - 1);
			}
			assertThat(System.nanoTime()).as(n + " mails '" + subject + "…' to " + address + " within 10 s")
				.isLessThan(deadline);
			try {
				Thread.sleep(25);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new AssertionError(ex);
			}
		}
	}

	/** An access token for acting for the organization. */
	static Api actingFor(Api anonymous, Person who, String organizationId) {
		var response = who.api().post("/v1/me/organizations/" + organizationId + "/token", null);
		assertThat(response.status()).as(response.toString()).isEqualTo(200);
		return anonymous.withKey(response.body().path("accessToken").asString());
	}

	static JsonNode details(Person who, String organizationId) {
		var response = who.api().get("/v1/me/organizations/" + organizationId);
		assertThat(response.status()).as(response.toString()).isEqualTo(200);
		return response.body();
	}

}
