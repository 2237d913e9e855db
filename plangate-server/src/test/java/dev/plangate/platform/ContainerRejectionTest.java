package dev.plangate.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
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

	@Test
	void unsupportedHttpVersionIsAProblemSayingSo() throws IOException {
		// when: a request line the HTTP/1.1 connector cannot speak
		String answer;
		try (var socket = new Socket("127.0.0.1", port)) {
			socket.setSoTimeout(10_000);
			socket.getOutputStream()
				.write("GET /v1/plans HTTP/3.0\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
			answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		}

		// then
		assertThat(answer).startsWith("HTTP/1.1 505")
			.containsIgnoringCase("Content-Type: application/problem+json")
			.contains("\"code\":\"http_version_not_supported\"")
			.doesNotContain("\"code\":\"internal\"");
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
