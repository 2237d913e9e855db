package dev.plangate.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import dev.plangate.support.ServerTest;

class PlansApiTest extends ServerTest {

	@Test
	void planListIsPublicAndShowsEntitlements() {
		var response = anonymous.get("/v1/plans");

		assertThat(response.status()).isEqualTo(200);
		var free = response.body().path("data").findValues("key").stream().map(n -> n.asString()).toList();
		assertThat(free).contains("free", "pro", "enterprise");
		var pro = response.body()
			.path("data")
			.valueStream()
			.filter(p -> p.path("key").asString().equals("pro"))
			.findFirst()
			.orElseThrow();
		assertThat(pro.path("price").path("amount").asLong()).isEqualTo(2900);
		assertThat(pro.path("entitlements").path("seats").path("limit").asLong()).isEqualTo(10);
	}

	@Test
	void decimalsAreWrittenPlainly() {
		// when
		var response = anonymous.get("/v1/plans/enterprise");

		// then: 10, as the catalog says, not 1E+1
		assertThat(response.status()).isEqualTo(200);
		assertThat(response.text()).contains("\"rateMultiplier\":10,").doesNotContain("E+");
	}

}
