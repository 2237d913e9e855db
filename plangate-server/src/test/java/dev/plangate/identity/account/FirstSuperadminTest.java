package dev.plangate.identity.account;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.plangate.support.Api;
import dev.plangate.support.FreshDatabase;
import dev.plangate.support.FreshSchema;
import dev.plangate.support.ServerTest;

/**
 * The first start of an empty database makes one superadmin, whose password must be
 * changed before it can sign in.
 */
@FreshSchema
class FirstSuperadminTest extends ServerTest {

	private static final String FIRST_PASSWORD = "first start pass phrase";

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		FreshDatabase.register(registry, "first_superadmin");
		registry.add("plangate.admin.email", () -> "Root@Example.com");
		registry.add("plangate.admin.password", () -> FIRST_PASSWORD);
	}

	@Test
	void theFirstSuperadminSignsInOnlyWithANewPassword() {
		// when
		var withoutNew = AccountCalls.login(anonymous, "root@example.com", FIRST_PASSWORD);
		var sameAgain = anonymous.post("/v1/auth/login", Api
			.json(Map.of("login", "root@example.com", "password", FIRST_PASSWORD, "newPassword", FIRST_PASSWORD)));
		var weak = anonymous.post("/v1/auth/login",
				Api.json(Map.of("login", "admin", "password", FIRST_PASSWORD, "newPassword", "short")));
		var changed = anonymous.post("/v1/auth/login", Api
			.json(Map.of("login", "admin", "password", FIRST_PASSWORD, "newPassword", "the operator's own phrase")));

		// then
		assertThat(withoutNew.status()).isEqualTo(403);
		assertThat(withoutNew.code()).isEqualTo("password_change_required");
		assertThat(sameAgain.code()).isEqualTo("weak_password");
		assertThat(weak.code()).isEqualTo("weak_password");
		assertThat(changed.status()).as(changed.toString()).isEqualTo(200);
		var account = changed.body().get("account");
		assertThat(account.get("role").asString()).isEqualTo("superadmin");
		assertThat(account.get("mustChangePassword").asBoolean()).isFalse();
		assertThat(account.get("emailVerified").asBoolean()).isTrue();
		assertThat(AccountCalls.login(anonymous, "admin", FIRST_PASSWORD).code()).isEqualTo("invalid_credentials");
		assertThat(AccountCalls.login(anonymous, "admin", "the operator's own phrase").status()).isEqualTo(200);
		var audit = api.get("/v1/admin/audit-events?targetType=account&targetId=" + account.get("id").asString());
		assertThat(audit.body().findValuesAsString("action")).contains("account.created", "account.password_changed");
	}

}
