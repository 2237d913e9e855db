package dev.plangate.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.plangate.support.Api;
import dev.plangate.support.ServerTest;

/**
 * Requests the servlet container refuses before any application code runs still get a
 * problem and the headers.
 */
class ContainerRejectionTest extends ServerTest {

	@ParameterizedTest
	@ValueSource(strings = { "/v1/customers/a%2Fb", "/v1/plans/a%00b" })
	void pathTheContainerRefusesIsAProblemWithTheSecurityHeaders(String path) {
		var response = api.get(path);

		assertRefusedAsProblem(response);
	}

	@Test
	void oversizedHeaderIsAProblemWithTheSecurityHeaders() {
		var response = anonymous.send("GET", "/v1/plans", null, Map.of("X-Padding", "a".repeat(20_000)));

		assertRefusedAsProblem(response);
	}

	private static void assertRefusedAsProblem(Api.Response response) {
		assertThat(response.status()).isEqualTo(400);
		assertThat(response.header("Content-Type")).startsWith("application/problem+json");
		assertThat(response.code()).isEqualTo("invalid_request");
		assertThat(response.body().path("status").asInt()).isEqualTo(400);
		assertThat(response.header("Strict-Transport-Security")).contains("max-age=");
		assertThat(response.header("X-Content-Type-Options")).isEqualTo("nosniff");
		assertThat(response.header("X-Frame-Options")).isEqualTo("DENY");
		assertThat(response.header("Content-Security-Policy")).contains("default-src 'none'");
		assertThat(response.text()).doesNotContain("<html");
	}

}
