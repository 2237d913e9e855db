package dev.plangate.identity.account;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.authority.AuthorityUtils;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.transaction.support.TransactionTemplate;

import dev.plangate.identity.apikey.ApiKeyKind;
import dev.plangate.identity.token.AccessClaims;
import dev.plangate.identity.token.TokenKind;
import dev.plangate.identity.token.TokenPrincipal;
import dev.plangate.platform.Actor;
import dev.plangate.platform.ErrorCode;
import dev.plangate.platform.PlangateException;
import dev.plangate.platform.SessionPrincipal;
import dev.plangate.support.Api;
import dev.plangate.support.ServerTest;
import tools.jackson.databind.JsonNode;

class AdminAccountsApiTest extends ServerTest {

	@Autowired
	private JdbcClient jdbc;

	@Autowired
	private TransactionTemplate transactions;

	@Autowired
	private AccountAdministration administration;

	@Test
	void serverKeySeesAnAccountWithItsSessionsAndFindsItByEmail() {
		// given
		var email = AccountCalls.verifiedAccount(anonymous, "adm-view");
		var signIn = AccountCalls.signIn(anonymous, email);
		AccountCalls.signIn(anonymous, email);
		var accountId = signIn.get("account").get("id").asString();

		// when
		var view = api.get("/v1/admin/accounts/" + accountId);
		var found = api.get("/v1/admin/accounts?email=" + Api.encode(email.toUpperCase()));
		var none = api.get("/v1/admin/accounts?email=" + Api.encode("nobody-" + UUID.randomUUID() + "@example.com"));

		// then
		assertThat(view.status()).as(view.toString()).isEqualTo(200);
		assertThat(view.body().get("account").get("email").asString()).isEqualTo(email);
		assertThat(view.body().get("sessions").size()).isEqualTo(2);
		assertThat(view.text()).doesNotContain(signIn.get("refreshToken").asString())
			.doesNotContain(signIn.get("accessToken").asString());
		assertThat(found.status()).isEqualTo(200);
		assertThat(found.body().path("data").size()).isEqualTo(1);
		assertThat(found.body().path("data").get(0).get("id").asString()).isEqualTo(accountId);
		assertThat(none.status()).isEqualTo(200);
		assertThat(none.body().path("data").size()).isZero();
	}

	@Test
	void revokingEndsEverySessionAndEveryAccessTokenAtOnceAndIsAudited() {
		// given
		var email = AccountCalls.verifiedAccount(anonymous, "adm-revoke");
		var first = AccountCalls.signIn(anonymous, email);
		var second = AccountCalls.signIn(anonymous, email);
		var accountId = first.get("account").get("id").asString();
		assertThat(AccountCalls.as(anonymous, first).get("/v1/me/account").status()).isEqualTo(200);

		// when
		var revoked = api.delete("/v1/admin/accounts/" + accountId + "/sessions");

		// then
		assertThat(revoked.status()).as(revoked.toString()).isEqualTo(200);
		assertThat(revoked.body().get("revoked").asInt()).isEqualTo(2);
		for (var signIn : List.of(first, second)) {
			var me = AccountCalls.as(anonymous, signIn).get("/v1/me/account");
			assertThat(me.status()).isEqualTo(401);
			var refresh = anonymous.post("/v1/auth/refresh",
					Api.json(Map.of("refreshToken", signIn.get("refreshToken").asString())));
			assertThat(refresh.code()).isEqualTo("invalid_refresh_token");
		}
		assertThat(api.get("/v1/admin/accounts/" + accountId).body().get("sessions").size()).isZero();
		var events = api.get("/v1/admin/audit-events?targetType=account&targetId=" + accountId);
		var actions = new ArrayList<String>();
		events.body().get("data").forEach(e -> actions.add(e.get("action").asString()));
		assertThat(actions).contains("account.sessions_revoked");
		var again = AccountCalls.signIn(anonymous, email);
		assertThat(AccountCalls.as(anonymous, again).get("/v1/me/account").status()).as("a new sign-in works")
			.isEqualTo(200);
	}

	@Test
	void endingOneSessionStopsItsTokensOnlyAndIsAudited() {
		// given: two sign-ins of one account, and another account's
		var email = AccountCalls.verifiedAccount(anonymous, "adm-revoke-one");
		var first = AccountCalls.signIn(anonymous, email);
		var second = AccountCalls.signIn(anonymous, email);
		var accountId = first.get("account").get("id").asString();
		var other = AccountCalls.signIn(anonymous, AccountCalls.verifiedAccount(anonymous, "adm-revoke-other"));
		var otherId = other.get("account").get("id").asString();
		var otherSession = api.get("/v1/admin/accounts/" + otherId).body().get("sessions").get(0).get("id").asString();
		var sessionIds = new ArrayList<String>();
		api.get("/v1/admin/accounts/" + accountId)
			.body()
			.get("sessions")
			.forEach(s -> sessionIds.add(s.get("id").asString()));
		var firstSession = AccountCalls.as(anonymous, first)
			.get("/v1/me/sessions")
			.body()
			.get("data")
			.valueStream()
			.filter(s -> s.get("current").asBoolean())
			.findFirst()
			.orElseThrow()
			.get("id")
			.asString();

		// when
		var revoked = api.delete("/v1/admin/accounts/" + accountId + "/sessions/" + firstSession);
		var ofAnother = api.delete("/v1/admin/accounts/" + accountId + "/sessions/" + otherSession);
		var unknown = api.delete("/v1/admin/accounts/" + accountId + "/sessions/" + UUID.randomUUID());
		var again = api.delete("/v1/admin/accounts/" + accountId + "/sessions/" + firstSession);

		// then
		assertThat(sessionIds).hasSize(2).contains(firstSession);
		assertThat(revoked.status()).as(revoked.toString()).isEqualTo(204);
		assertThat(AccountCalls.as(anonymous, first).get("/v1/me/account").status()).isEqualTo(401);
		assertThat(AccountCalls.as(anonymous, second).get("/v1/me/account").status()).as("the other session goes on")
			.isEqualTo(200);
		assertThat(api.get("/v1/admin/accounts/" + accountId).body().get("sessions").size()).isEqualTo(1);
		assertThat(ofAnother.status()).isEqualTo(404);
		assertThat(ofAnother.code()).isEqualTo("session_not_found");
		assertThat(AccountCalls.as(anonymous, other).get("/v1/me/account").status()).isEqualTo(200);
		assertThat(unknown.code()).isEqualTo("session_not_found");
		assertThat(again.code()).as("ended already").isEqualTo("session_not_found");
		var events = api.get("/v1/admin/audit-events?targetType=account&targetId=" + accountId);
		var revocations = new ArrayList<String>();
		events.body()
			.get("data")
			.forEach(e -> revocations
				.add(e.get("action").asString() + " " + e.path("after").path("session").asString()));
		assertThat(revocations).containsOnlyOnce("account.session_revoked " + firstSession);
	}

	@Test
	void unknownOrMalformedIdsAndMissingEmailAreRefusedWithAProblem() {
		// given
		var unknown = UUID.randomUUID();

		// when
		var get = api.get("/v1/admin/accounts/" + unknown);
		var revoke = api.delete("/v1/admin/accounts/" + unknown + "/sessions");
		var malformed = api.get("/v1/admin/accounts/not-an-id");
		var malformedRevoke = api.delete("/v1/admin/accounts/not-an-id/sessions");
		var noEmail = api.get("/v1/admin/accounts");
		var blankEmail = api.get("/v1/admin/accounts?email=%20");

		// then
		assertThat(get.status()).isEqualTo(404);
		assertThat(get.code()).isEqualTo("account_not_found");
		assertThat(revoke.status()).isEqualTo(404);
		assertThat(revoke.code()).isEqualTo("account_not_found");
		for (var response : List.of(malformed, malformedRevoke, noEmail, blankEmail)) {
			assertThat(response.status()).as(response.toString()).isEqualTo(400);
			assertThat(response.code()).isEqualTo("invalid_request");
		}
	}

	@Test
	void anAdminsAccessTokenMayButAUsersMayNot() {
		// given
		var target = AccountCalls.signIn(anonymous, AccountCalls.verifiedAccount(anonymous, "adm-target"));
		var targetId = target.get("account").get("id").asString();
		var user = AccountCalls.as(anonymous,
				AccountCalls.signIn(anonymous, AccountCalls.verifiedAccount(anonymous, "adm-user")));
		var admin = withRole("adm-admin", "admin");

		// when
		var byUser = user.delete("/v1/admin/accounts/" + targetId + "/sessions");
		var userLooks = user.get("/v1/admin/accounts/" + targetId);
		var adminLooks = admin.get("/v1/admin/accounts/" + targetId);
		var byAdmin = admin.delete("/v1/admin/accounts/" + targetId + "/sessions");

		// then
		assertThat(byUser.status()).isEqualTo(403);
		assertThat(userLooks.status()).isEqualTo(403);
		assertThat(adminLooks.status()).as(adminLooks.toString()).isEqualTo(200);
		assertThat(byAdmin.status()).as(byAdmin.toString()).isEqualTo(200);
		assertThat(byAdmin.body().get("revoked").asInt()).isEqualTo(1);
	}

	@Test
	void anAdminMayNotEndASuperadminsSessionsButASuperadminMay() {
		// given
		var superadminSignIn = signInWithRole("adm-super", "superadmin");
		var superadmin = AccountCalls.as(anonymous, superadminSignIn);
		var superadminId = superadminSignIn.get("account").get("id").asString();
		var admin = withRole("adm-admin2", "admin");
		var adminId = admin.get("/v1/me/account").body().get("id").asString();

		// when
		var byAdmin = admin.delete("/v1/admin/accounts/" + superadminId + "/sessions");
		var stillIn = superadmin.get("/v1/me/account");
		var bySuperadmin = superadmin.delete("/v1/admin/accounts/" + adminId + "/sessions");

		// then
		assertThat(byAdmin.status()).isEqualTo(403);
		assertThat(byAdmin.code()).isEqualTo("forbidden");
		assertThat(stillIn.status()).isEqualTo(200);
		assertThat(bySuperadmin.status()).as(bySuperadmin.toString()).isEqualTo(200);
		assertThat(admin.get("/v1/me/account").status()).isEqualTo(401);
	}

	@Test
	void otherCredentialsAreRefused() {
		// given
		var customer = newCustomer("adm-cust");
		var token = api.post("/v1/customer-tokens", Api.json(Map.of("customerId", customer)))
			.body()
			.get("token")
			.asString();
		var worker = apiKeys.create("adm-worker", ApiKeyKind.WORKER).secret();
		var path = "/v1/admin/accounts/" + UUID.randomUUID();

		// when
		var none = anonymous.get(path);
		var customerToken = api.withKey(token).get(path);
		var workerKey = api.withKey(worker).delete(path + "/sessions");

		// then
		assertThat(none.status()).isEqualTo(401);
		assertThat(customerToken.status()).isEqualTo(403);
		assertThat(workerKey.status()).isEqualTo(403);
	}

	private Api withRole(String prefix, String role) {
		return AccountCalls.as(anonymous, signInWithRole(prefix, role));
	}

	/** An account given a role by the operator, signed in afterwards. */
	private JsonNode signInWithRole(String prefix, String role) {
		var signIn = signInWithRoleOnly(prefix, role);
		// as if enrolled (TwoFactorTest covers enrolment): operators need a second factor
		jdbc.sql("update account set totp_enabled_at = created_at where id = :id")
			.param("id", UUID.fromString(signIn.path("account").path("id").asString()))
			.update();
		return signIn;
	}

	/** An account given a role by the operator, signed in, without a second factor. */
	private JsonNode signInWithRoleOnly(String prefix, String role) {
		var email = AccountCalls.verifiedAccount(anonymous, prefix);
		jdbc.sql("update account set role = :role where email = :email")
			.param("role", role)
			.param("email", email)
			.update();
		return AccountCalls.signIn(anonymous, email);
	}

	@Test
	void anOperatorWithoutASecondFactorIsRefused() {
		// given
		var admin = AccountCalls.as(anonymous, signInWithRoleOnly("adm-no2fa", "superadmin"));
		var targetId = AccountCalls
			.as(anonymous, AccountCalls.signIn(anonymous, AccountCalls.verifiedAccount(anonymous, "adm-no2fa-target")))
			.get("/v1/me/account")
			.body()
			.path("id")
			.asString();

		// when
		var looks = admin.get("/v1/admin/accounts/" + targetId);
		var revokes = admin.delete("/v1/admin/accounts/" + targetId + "/sessions");

		// then
		assertThat(looks.status()).isEqualTo(403);
		assertThat(looks.code()).isEqualTo("two_factor_required");
		assertThat(revokes.code()).isEqualTo("two_factor_required");
		assertThat(api.get("/v1/admin/accounts/" + targetId).body().get("sessions").size()).isEqualTo(1);
	}

	@Test
	void aSuperadminGivesARoleWhichTakesEffectAtTheNextSignInAndIsAudited() {
		// given
		var superadmin = withRole("role-super", "superadmin");
		var email = AccountCalls.verifiedAccount(anonymous, "role-support");
		var before = AccountCalls.signIn(anonymous, email);
		var accountId = before.get("account").get("id").asString();

		// when
		var given = superadmin.put("/v1/admin/accounts/" + accountId + "/role", Api.json(Map.of("role", "support")));
		var again = superadmin.put("/v1/admin/accounts/" + accountId + "/role", Api.json(Map.of("role", "support")));

		// then
		assertThat(given.status()).as(given.toString()).isEqualTo(200);
		assertThat(given.body().get("role").asString()).isEqualTo("support");
		assertThat(again.status()).isEqualTo(200);
		assertThat(AccountCalls.as(anonymous, before).get("/v1/me/account").status()).as("the old token ends")
			.isEqualTo(401);
		var support = AccountCalls.as(anonymous, AccountCalls.signIn(anonymous, email));
		// as if enrolled after signing in: operators need a second factor
		jdbc.sql("update account set totp_enabled_at = created_at where id = :id")
			.param("id", UUID.fromString(accountId))
			.update();
		assertThat(support.get("/v1/admin/accounts/" + accountId).status()).as("support reads accounts").isEqualTo(200);
		assertThat(support.put("/v1/admin/accounts/" + accountId + "/role", Api.json(Map.of("role", "admin"))).status())
			.as("support gives no role")
			.isEqualTo(403);
		assertThat(support.get("/v1/customers").status()).as("nor uses the server's API").isEqualTo(403);
		var events = api.get("/v1/admin/audit-events?targetType=account&targetId=" + accountId);
		var changes = new ArrayList<JsonNode>();
		events.body().get("data").forEach(e -> {
			if ("account.role_changed".equals(e.get("action").asString())) {
				changes.add(e);
			}
		});
		assertThat(changes).as("a change that changes nothing is not audited").hasSize(1);
		assertThat(changes.get(0).toString()).contains("\"from\":\"user\"", "\"to\":\"support\"");
	}

	@Test
	void onlyASuperadminsTokenGivesRoles() {
		// given
		var target = AccountCalls.signIn(anonymous, AccountCalls.verifiedAccount(anonymous, "role-target"));
		var path = "/v1/admin/accounts/" + target.get("account").get("id").asString() + "/role";
		var admin = withRole("role-admin", "admin");
		var superadminWithout2fa = AccountCalls.as(anonymous, signInWithRoleOnly("role-no2fa", "superadmin"));
		var body = Api.json(Map.of("role", "admin"));

		// when
		var byServerKey = api.put(path, body);
		var byAdmin = admin.put(path, body);
		var byUser = AccountCalls.as(anonymous, target).put(path, body);
		var without2fa = superadminWithout2fa.put(path, body);

		// then
		assertThat(byServerKey.status()).as(byServerKey.toString()).isEqualTo(403);
		assertThat(byServerKey.code()).isEqualTo("forbidden");
		assertThat(byAdmin.status()).isEqualTo(403);
		assertThat(byAdmin.code()).isEqualTo("forbidden");
		assertThat(byUser.status()).isEqualTo(403);
		assertThat(without2fa.code()).isEqualTo("two_factor_required");
		assertThat(api.get(path.replace("/role", "")).body().get("account").get("role").asString()).isEqualTo("user");
	}

	@Test
	void aBadRoleChangeIsRefusedWithAProblemAndChangesNothing() {
		// given
		var superadmin = withRole("role-bad", "superadmin");
		var target = AccountCalls.signIn(anonymous, AccountCalls.verifiedAccount(anonymous, "role-bad-target"));
		var path = "/v1/admin/accounts/" + target.get("account").get("id").asString() + "/role";

		// when
		var unknownRole = superadmin.put(path, Api.json(Map.of("role", "owner")));
		var upperCase = superadmin.put(path, Api.json(Map.of("role", "ADMIN")));
		var missing = superadmin.put(path, "{}");
		var wrongType = superadmin.put(path, "{\"role\": 3}");
		var malformed = superadmin.put(path, "{\"role\": ");
		var unknownAccount = superadmin.put("/v1/admin/accounts/" + UUID.randomUUID() + "/role",
				Api.json(Map.of("role", "admin")));
		var malformedId = superadmin.put("/v1/admin/accounts/not-an-id/role", Api.json(Map.of("role", "admin")));

		// then
		for (var response : List.of(unknownRole, upperCase, missing, wrongType, malformedId)) {
			assertThat(response.status()).as(response.toString()).isEqualTo(400);
			assertThat(response.code()).isEqualTo("invalid_request");
		}
		assertThat(malformed.status()).isEqualTo(400);
		assertThat(malformed.code()).isEqualTo("malformed_json");
		assertThat(unknownAccount.status()).isEqualTo(404);
		assertThat(unknownAccount.code()).isEqualTo("account_not_found");
		assertThat(AccountCalls.as(anonymous, target).get("/v1/me/account").status()).as("nothing happened to it")
			.isEqualTo(200);
	}

	@Test
	void theLastSuperadminKeepsItsRole() {
		// given
		var signIn = signInWithRole("role-last", "superadmin");
		var id = UUID.fromString(signIn.get("account").get("id").asString());
		var now = Instant.now();
		var claims = new AccessClaims(id.toString(), null, List.of("superadmin", "admin", "user"), null, null,
				UUID.randomUUID().toString(), now, now.plusSeconds(60), TokenKind.ACCOUNT);
		SecurityContextHolder.getContext()
			.setAuthentication(new UsernamePasswordAuthenticationToken(new TokenPrincipal(claims), null,
					AuthorityUtils.createAuthorityList("ROLE_SUPERADMIN", "ROLE_ADMIN", "ROLE_USER")));

		try {
			transactions.executeWithoutResult(status -> {
				// alone among superadmins, in this transaction only
				jdbc.sql("update account set role = 'admin' where role = 'superadmin' and id <> :id")
					.param("id", id)
					.update();

				// when, then
				assertThatThrownBy(() -> administration.changeRole(id, AccountRole.ADMIN)).isInstanceOfSatisfying(
						PlangateException.class, ex -> assertThat(ex.code()).isEqualTo(ErrorCode.LAST_SUPERADMIN));
				status.setRollbackOnly();
			});
		}
		finally {
			SecurityContextHolder.clearContext();
		}
		assertThat(api.get("/v1/admin/accounts/" + id).body().get("account").get("role").asString())
			.isEqualTo("superadmin");
	}

	/**
	 * An operator signed into a web session, as the console presents it, with the
	 * authorities it claims.
	 */
	record WebOperator(UUID accountId, String claimed, UUID sessionId) implements SessionPrincipal, Actor.Principal {

		@Override
		public String actorName() {
			return "account:" + accountId;
		}

	}

	@Test
	void aSuperadminSignedIntoTheConsoleChangesRolesButNotAnAdminNorAnEndedSession() {
		// given
		var superadmin = UUID
			.fromString(signInWithRole("role-web", "superadmin").path("account").path("id").asString());
		var session = administration.overview(superadmin).sessions().get(0).id();
		var admin = UUID.fromString(signInWithRole("role-web-admin", "admin").path("account").path("id").asString());
		var adminSession = administration.overview(admin).sessions().get(0).id();
		var target = UUID
			.fromString(AccountCalls.signIn(anonymous, AccountCalls.verifiedAccount(anonymous, "role-web-t"))
				.path("account")
				.path("id")
				.asString());

		try {
			// when, then
			as(new WebOperator(admin, "SUPERADMIN", adminSession));
			assertThatThrownBy(() -> administration.changeRole(target, AccountRole.SUPPORT))
				.as("an admin, whatever its session claims")
				.isInstanceOfSatisfying(PlangateException.class,
						ex -> assertThat(ex.code()).isEqualTo(ErrorCode.FORBIDDEN));
			as(new WebOperator(superadmin, "SUPERADMIN", UUID.randomUUID()));
			assertThatThrownBy(() -> administration.changeRole(target, AccountRole.SUPPORT))
				.as("a session that does not go on")
				.isInstanceOfSatisfying(PlangateException.class,
						ex -> assertThat(ex.code()).isEqualTo(ErrorCode.FORBIDDEN));
			as(new WebOperator(superadmin, "SUPERADMIN", session));
			assertThat(administration.changeRole(target, AccountRole.SUPPORT).role()).isEqualTo(AccountRole.SUPPORT);
		}
		finally {
			SecurityContextHolder.clearContext();
		}
		var audit = api.get("/v1/admin/audit-events?targetType=account&targetId=" + target).body().path("data");
		var actors = new ArrayList<String>();
		audit.forEach(e -> actors.add(e.path("action").asString() + " " + e.path("actor").asString()));
		assertThat(actors.stream().filter(a -> a.startsWith("account.role_changed")))
			.containsExactly("account.role_changed account:" + superadmin);
	}

	private static void as(WebOperator operator) {
		SecurityContextHolder.getContext()
			.setAuthentication(new UsernamePasswordAuthenticationToken(operator, null,
					AuthorityUtils.createAuthorityList("ROLE_" + operator.claimed())));
	}

}
