package dev.plangate.identity.apikey;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.Callable;

import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.plangate.platform.PlangateException;
import dev.plangate.support.FreshDatabase;
import dev.plangate.support.FreshSchema;
import dev.plangate.support.Race;
import dev.plangate.support.ServerTest;

@FreshSchema
class ApiKeyRaceTest extends ServerTest {

	@DynamicPropertySource
	static void database(DynamicPropertyRegistry registry) {
		FreshDatabase.register(registry, "api_key_race");
	}

	@Test
	void revokingTheLastTwoKeysAtOnceLeavesOneActive() throws Exception {
		// given: exactly two active keys
		apiKeys.create("second");
		var active = apiKeys.list().stream().filter(ApiKey::isActive).toList();
		for (int i = 0; i < active.size() - 2; i++) {
			apiKeys.revoke(active.get(i).id());
		}
		var remaining = apiKeys.list().stream().filter(ApiKey::isActive).toList();
		assertThat(remaining).hasSize(2);

		// when: both are revoked at once
		var outcomes = Race.run(remaining.stream().map(k -> (Callable<String>) () -> {
			try {
				apiKeys.revoke(k.id());
				return "revoked";
			}
			catch (PlangateException ex) {
				return ex.code().code();
			}
		}).toList());

		// then
		assertThat(outcomes).containsExactlyInAnyOrder("revoked", "last_api_key");
		assertThat(apiKeys.list().stream().filter(ApiKey::isActive)).hasSize(1);
	}

}
