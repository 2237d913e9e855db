package dev.plangate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

import dev.plangate.platform.InvalidSettingException;

/**
 * The whole server started with a bad setting stops before it serves, and says which
 * environment variable to correct.
 */
@ExtendWith(OutputCaptureExtension.class)
class SettingsStartUpTest {

	@Test
	void aBadSettingStopsStartUpWithAReportNamingItsVariable(CapturedOutput output) {
		// when / then
		assertThatThrownBy(() -> start(new StandardEnvironment(), "--plangate.tokens.access-ttl=0s").close())
			.rootCause()
			.isInstanceOf(InvalidSettingException.class)
			.hasMessageContaining("PLANGATE_TOKENS_ACCESS_TTL");
		assertThat(output.getOut() + output.getErr()).contains("APPLICATION FAILED TO START")
			.contains("The setting PLANGATE_TOKENS_ACCESS_TTL (property plangate.tokens.access-ttl) must be between "
					+ "30s and 1d, not 0s.")
			.contains("Correct PLANGATE_TOKENS_ACCESS_TTL");
	}

	@Test
	void aBadEnvironmentVariableStopsStartUpNamingIt(CapturedOutput output) {
		// given: a variable application.yaml does not name, bound by Spring's relaxed
		// rules
		var environment = withVariables(Map.of("PLANGATE_ACCOUNTS_LOCKOUT_THRESHOLD", "0"));

		// when / then
		assertThatThrownBy(() -> start(environment).close()).rootCause()
			.isInstanceOf(InvalidSettingException.class)
			.hasMessageContaining("PLANGATE_ACCOUNTS_LOCKOUT_THRESHOLD must be at least 1, not 0");
		assertThat(output.getOut() + output.getErr()).contains("APPLICATION FAILED TO START")
			.contains("The setting PLANGATE_ACCOUNTS_LOCKOUT_THRESHOLD (property plangate.accounts.lockout.threshold)");
	}

	@Test
	void aValueOfTheWrongTypeStopsStartUpNamingItsVariable(CapturedOutput output) {
		// when / then
		assertThatThrownBy(() -> start(new StandardEnvironment(), "--plangate.catalog-refresh=often").close())
			.isNotNull();
		assertThat(output.getOut() + output.getErr()).contains("APPLICATION FAILED TO START")
			.contains("The setting PLANGATE_CATALOG_REFRESH (property plangate.catalog-refresh) cannot be read as a "
					+ "duration such as 30s, 15m or 1d, not 'often'.");
	}

	/** The process's environment variables and {@code variables}. */
	private static StandardEnvironment withVariables(Map<String, String> variables) {
		var environment = new StandardEnvironment();
		var all = new HashMap<String, Object>(System.getenv());
		all.putAll(variables);
		environment.getPropertySources()
			.replace(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, new SystemEnvironmentPropertySource(
					StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, all));
		return environment;
	}

	/**
	 * Starts the whole server on a new in-memory database (with H2's credentials, so that
	 * PLANGATE_DB_USER of a PostgreSQL run does not reach it).
	 */
	private static AutoCloseable start(StandardEnvironment environment, String... settings) {
		var args = new ArrayList<>(List.of("--server.port=0",
				"--spring.datasource.url=jdbc:h2:mem:settings_" + UUID.randomUUID().toString().replace("-", "")
						+ ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1",
				"--spring.datasource.username=sa", "--spring.datasource.password="));
		args.addAll(List.of(settings));
		return new SpringApplicationBuilder(PlangateApplication.class).environment(environment)
			.profiles("test")
			.run(args.toArray(String[]::new));
	}

}
