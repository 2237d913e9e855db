package dev.plangate;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Objects;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.core.NestedExceptionUtils;

import dev.plangate.platform.InvalidSettingException;
import dev.plangate.platform.PlatformSettings;

/**
 * Every settings record, bound as at start-up but without the rest of the server: the
 * defaults bind, and a bad value is refused naming its environment variable.
 */
class SettingsTest {

	private final ApplicationContextRunner settings = new ApplicationContextRunner()
		.withUserConfiguration(SettingsOnly.class);

	/** Not a {@code @Configuration}: the server's own component scan must not find it. */
	@ConfigurationPropertiesScan(basePackageClasses = PlangateApplication.class)
	static class SettingsOnly {

	}

	@Test
	void everyModulesSettingsBindWithTheirDefaults() {
		settings.run(context -> {
			assertThat(context).hasNotFailed();
			var records = context.getBeansWithAnnotation(ConfigurationProperties.class)
				.values()
				.stream()
				.map(bean -> bean.getClass().getSimpleName())
				.toList();
			assertThat(records).containsExactlyInAnyOrder("PlatformSettings", "CatalogSettings", "EnforcementSettings",
					"LedgerSettings", "ApiKeySettings", "AccountSettings", "AdminSettings", "TwoFactorSettings",
					"PasswordSettings", "TokenSettings", "OrganizationSettings", "MailSettings", "BatchSettings",
					"SubscriptionSettings", "BillingSettings", "StripeSettings", "StripeEventSettings",
					"ChargeSettings", "CustomerSettings", "AlertSettings", "WebhookSettings", "ConsoleSettings",
					"PortalSettings", "ImpersonationSettings", "DecisionStatsSettings", "AllowanceSettings");
		});
	}

	@Test
	void redisPrefixAndEventBusNamespaceFollowTheRedisNamespaceUnlessSet() {
		settings.withPropertyValues("plangate.redis-namespace=tenant-a").run(context -> {
			var platform = context.getBean(PlatformSettings.class);
			assertThat(platform.redisPrefix()).isEqualTo("tenant-a:rl:");
			assertThat(platform.eventBus().namespace()).isEqualTo("tenant-a");
		});
		settings.run(context -> {
			var platform = context.getBean(PlatformSettings.class);
			assertThat(platform.redisPrefix()).isEqualTo("plangate:rl:");
			assertThat(platform.eventBus().namespace()).isEqualTo("plangate");
		});
		settings
			.withPropertyValues("plangate.redis-namespace=tenant-a", "plangate.redis-prefix=bench:rl:",
					"plangate.event-bus.namespace=test-run")
			.run(context -> {
				var platform = context.getBean(PlatformSettings.class);
				assertThat(platform.redisPrefix()).isEqualTo("bench:rl:");
				assertThat(platform.eventBus().namespace()).isEqualTo("test-run");
			});
	}

	@ParameterizedTest
	@CsvSource(delimiter = '|', textBlock = """
			plangate.accounts.verified-email-required-for |
			plangate.accounts.verified-email-required-for | api_keys
			plangate.tokens.clock-skew                    | 0s
			plangate.tokens.issuer                        | https://auth.example.com/plangate
			plangate.api-key-cache-ttl                    | 0s
			plangate.catalog-refresh                      | 0s
			plangate.accounts.refresh-reuse-grace         | 0s
			plangate.rate-limits.on-store-failure         | CLOSED
			plangate.mail.transport                       | smtp
			plangate.redis-url                            | rediss://user:secret@redis.example.com:6380/2
			plangate.accounts.ip-limits.login             | 100000/1h
			plangate.accounts.mail-limit                  | 3/30m
			plangate.accounts.links.verify-email          | https://app.example.com/welcome/{token}
			plangate.batches.enabled-feature              |
			plangate.batches.retry-base                   | 10ms
			plangate.alerts.default-thresholds            | 50,90,100
			plangate.alerts.retention                     | 730d
			""")
	void acceptsSensibleValuesBesideTheDefaults(String property, String value) {
		settings.withPropertyValues(property + "=" + Objects.toString(value, "")).run(context -> {
			assertThat(context).hasNotFailed();
		});
	}

	@ParameterizedTest
	@CsvSource(delimiter = '|',
			textBlock = """
					plangate.tokens.access-ttl                      | 0s                        | PLANGATE_TOKENS_ACCESS_TTL                      | must be between 30s and 1d, not 0s
					plangate.tokens.access-ttl                      | 2d                        | PLANGATE_TOKENS_ACCESS_TTL                      | must be between 30s and 1d, not 2d
					plangate.tokens.key-rotation                    | 30m                       | PLANGATE_TOKENS_KEY_ROTATION                    | must be at least 1h, not 30m
					plangate.tokens.clock-skew                      | 10m                       | PLANGATE_TOKENS_CLOCK_SKEW                      | must be between 0s and 5m, not 10m
					plangate.tokens.issuer                          | plangate                  | PLANGATE_TOKENS_ISSUER                          | must be an http or https URL
					plangate.tokens.audience                        | ' '                       | PLANGATE_TOKENS_AUDIENCE                        | must not be empty
					plangate.data-dir                               | ' '                       | PLANGATE_DATA_DIR                               | must not be empty
					plangate.max-request-size                       | 0B                        | PLANGATE_MAX_REQUEST_SIZE                       | must be positive
					plangate.idempotency-ttl                        | 0s                        | PLANGATE_IDEMPOTENCY_TTL                        | must be positive, not 0s
					plangate.redis-url                              | localhost:6379            | PLANGATE_REDIS_URL                              | must be a Redis URL
					plangate.redis-namespace                        | ' '                       | PLANGATE_REDIS_NAMESPACE                        | must not be empty
					plangate.catalog                                | ' '                       | PLANGATE_CATALOG                                | must not be empty
					plangate.catalog-refresh                        | -1s                       | PLANGATE_CATALOG_REFRESH                        | must not be negative
					plangate.rate-limits.on-store-failure           | sometimes                 | PLANGATE_RATE_LIMITS_ON_STORE_FAILURE           | must be 'open' or 'closed', not 'sometimes'
					plangate.ledger.batch-events                    | 0                         | PLANGATE_LEDGER_BATCH_EVENTS                    | must be at least 1, not 0
					plangate.ledger.queue-requests                  | 0                         | PLANGATE_LEDGER_QUEUE_REQUESTS                  | must be at least 1, not 0
					plangate.ledger.writers                         | 0                         | PLANGATE_LEDGER_WRITERS                         | must be 1 to 64, not 0
					plangate.alerts.default-thresholds              | 100,80                    | PLANGATE_ALERTS_DEFAULT_THRESHOLDS              | [1] must be greater than the threshold before it (100)
					plangate.alerts.default-thresholds              | 0,80                      | PLANGATE_ALERTS_DEFAULT_THRESHOLDS              | [0] must be a percent from 1 to 1000, not 0
					plangate.alerts.default-thresholds              | eighty                    | PLANGATE_ALERTS_DEFAULT_THRESHOLDS              | must be whole percents separated by commas
					plangate.alerts.retention                       | 12h                       | PLANGATE_ALERTS_RETENTION                       | must be between 1d and
					plangate.bootstrap-api-key                      | changeme                  | PLANGATE_BOOTSTRAP_API_KEY                      | is refused: it is not a Plangate server key
					plangate.api-key-cache-ttl                      | -1s                       | PLANGATE_API_KEY_CACHE_TTL                      | must not be negative
					plangate.accounts.session-idle-timeout          | 0s                        | PLANGATE_ACCOUNTS_SESSION_IDLE_TIMEOUT          | must be positive
					plangate.accounts.session-lifetime              | 0s                        | PLANGATE_ACCOUNTS_SESSION_LIFETIME              | must be positive
					plangate.accounts.refresh-reuse-grace           | -10s                      | PLANGATE_ACCOUNTS_REFRESH_REUSE_GRACE           | must not be negative
					plangate.accounts.ip-limits.login               | 60 an hour                | PLANGATE_ACCOUNTS_IP_LIMITS_LOGIN               | must read like '60/1h'
					plangate.accounts.ip-limits.register            | 0/1h                      | PLANGATE_ACCOUNTS_IP_LIMITS_REGISTER            | must read like '60/1h'
					plangate.accounts.ip-limits.password-reset      | 20/0s                     | PLANGATE_ACCOUNTS_IP_LIMITS_PASSWORD_RESET      | must read like '60/1h'
					plangate.accounts.ip-limits.two-factor          | many/1h                   | PLANGATE_ACCOUNTS_IP_LIMITS_TWO_FACTOR          | must read like '60/1h'
					plangate.accounts.mail-limit                    | 20                        | PLANGATE_ACCOUNTS_MAIL_LIMIT                    | must read like '60/1h'
					plangate.accounts.lockout.threshold             | 0                         | PLANGATE_ACCOUNTS_LOCKOUT_THRESHOLD             | must be at least 1, not 0
					plangate.accounts.lockout.base                  | 0s                        | PLANGATE_ACCOUNTS_LOCKOUT_BASE                  | must be positive
					plangate.accounts.lockout.max                   | 30s                       | PLANGATE_ACCOUNTS_LOCKOUT_MAX                   | must be at least PLANGATE_ACCOUNTS_LOCKOUT_BASE (1m), not 30s
					plangate.accounts.lockout.forget-after          | 15m                       | PLANGATE_ACCOUNTS_LOCKOUT_FORGET_AFTER          | must be longer than PLANGATE_ACCOUNTS_LOCKOUT_MAX (15m), not 15m
					plangate.accounts.verified-email-required-for   | two_factor,everything     | PLANGATE_ACCOUNTS_VERIFIED_EMAIL_REQUIRED_FOR   | names 'everything'
					plangate.accounts.links.verify-email            | https://app.example.com/v | PLANGATE_ACCOUNTS_LINKS_VERIFY_EMAIL            | must contain {token}
					plangate.accounts.links.reset-password          | app/reset?token={token}   | PLANGATE_ACCOUNTS_LINKS_RESET_PASSWORD          | must be an http or https URL
					plangate.accounts.links.confirm-email           | ftp://host/{token}        | PLANGATE_ACCOUNTS_LINKS_CONFIRM_EMAIL           | must be an http or https URL
					plangate.accounts.two-factor.issuer             | ' '                       | PLANGATE_ACCOUNTS_TWO_FACTOR_ISSUER             | must not be empty
					plangate.accounts.argon2.memory-kib             | 4096                      | PLANGATE_ACCOUNTS_ARGON2_MEMORY_KIB             | must be at least 19456, not 4096
					plangate.accounts.argon2.iterations             | 1                         | PLANGATE_ACCOUNTS_ARGON2_ITERATIONS             | must be at least 2, not 1
					plangate.accounts.argon2.parallelism            | 0                         | PLANGATE_ACCOUNTS_ARGON2_PARALLELISM            | must be at least 1, not 0
					plangate.admin.email                            | root                      | PLANGATE_ADMIN_EMAIL                            | must be an email address
					plangate.admin.password                         | 12345678                  | PLANGATE_ADMIN_PASSWORD                         | is refused: it is one of the most common passwords
					plangate.organizations.member-feature           | ' '                       | PLANGATE_ORGANIZATIONS_MEMBER_FEATURE           | must not be empty
					plangate.organizations.links.accept-invitation  | https://app.example.com/a | PLANGATE_ORGANIZATIONS_LINKS_ACCEPT_INVITATION  | must contain {token}
					plangate.mail.transport                         | pigeon                    | PLANGATE_MAIL_TRANSPORT                         | must be 'log' or 'smtp', not 'pigeon'
					plangate.mail.from                              | no address                | PLANGATE_MAIL_FROM                              | must be an address
					plangate.mail.max-attempts                      | 0                         | PLANGATE_MAIL_MAX_ATTEMPTS                      | must be 1 to 100, not 0
					plangate.mail.concurrency                       | 17                        | PLANGATE_MAIL_CONCURRENCY                       | must be 1 to 16, not 17
					plangate.mail.retry-base                        | 0s                        | PLANGATE_MAIL_RETRY_BASE                        | must be positive
					plangate.mail.outbox-retention                  | 0s                        | PLANGATE_MAIL_OUTBOX_RETENTION                  | must be positive
					plangate.batches.system-concurrency             | 0                         | PLANGATE_BATCHES_SYSTEM_CONCURRENCY             | must be at least 1, not 0
					plangate.batches.max-operations                 | 0                         | PLANGATE_BATCHES_MAX_OPERATIONS                 | must be at least 1, not 0
					plangate.batches.default-region                 | ' '                       | PLANGATE_BATCHES_DEFAULT_REGION                 | must not be empty
					plangate.batches.operation-timeout              | 2h                        | PLANGATE_BATCHES_OPERATION_TIMEOUT              | must be at most PLANGATE_BATCHES_MAX_OPERATION_TIMEOUT (1h), not 2h
					plangate.batches.batch-timeout                  | 0s                        | PLANGATE_BATCHES_BATCH_TIMEOUT                  | must be positive
					plangate.batches.max-attempts                   | 11                        | PLANGATE_BATCHES_MAX_ATTEMPTS                   | must be 1 to PLANGATE_BATCHES_MAX_MAX_ATTEMPTS (10), not 11
					plangate.batches.retry-max                      | 100ms                     | PLANGATE_BATCHES_RETRY_MAX                      | must be at least PLANGATE_BATCHES_RETRY_BASE (1s), not 100ms
					plangate.batches.lease-ttl                      | 0s                        | PLANGATE_BATCHES_LEASE_TTL                      | must be positive
					plangate.batches.tick                           | 0s                        | PLANGATE_BATCHES_TICK                           | must be positive
					plangate.batches.subscriber-queue               | 0                         | PLANGATE_BATCHES_SUBSCRIBER_QUEUE               | must be at least 1, not 0
					plangate.charges.interval                       | 0s                        | PLANGATE_CHARGES_INTERVAL                       | must be between 1s and 1d, not 0s
					plangate.charges.delay                          | 8d                        | PLANGATE_CHARGES_DELAY                          | must be between 0s and 7d, not 8d
					plangate.customers.metrics-refresh              | 500ms                     | PLANGATE_CUSTOMERS_METRICS_REFRESH              | must be between 1s and 1h, not 500ms
					plangate.console.idle-timeout                   | 30s                       | PLANGATE_CONSOLE_IDLE_TIMEOUT                   | must be between 1m and 1d, not 30s
					plangate.console.absolute-timeout               | 10m                       | PLANGATE_CONSOLE_ABSOLUTE_TIMEOUT               | must be between 30m and 30d, not 10m
					""")
	void refusesABadValueNamingItsVariable(String property, String value, String variable, String problem) {
		settings.withPropertyValues(property + "=" + value).run(context -> {
			assertThat(context).hasFailed();
			var refusal = invalidSetting(context.getStartupFailure());
			assertThat(refusal.property()).isEqualTo(property);
			assertThat(refusal.variable()).isEqualTo(variable);
			assertThat(refusal.getMessage()).startsWith(variable + " ").contains(problem).contains(property);
		});
	}

	@Test
	void secretsAreNeverRepeatedInARefusal() {
		// given
		var secrets = List.of("plangate.master-key=bm90LWEta2V5", "plangate.redis-url=redis//user:hunter2@host",
				"plangate.bootstrap-api-key=pg_sk_hunter2hunter2hunter2hunter2hunter2",
				"plangate.admin.password=hunter2");

		for (var secret : secrets) {
			// when
			settings.withPropertyValues(secret).run(context -> {
				// then
				var message = invalidSetting(context.getStartupFailure()).getMessage();
				assertThat(message).doesNotContain(secret.substring(secret.indexOf('=') + 1)).doesNotContain("hunter2");
			});
		}
	}

	private static InvalidSettingException invalidSetting(Throwable failure) {
		var cause = NestedExceptionUtils.getMostSpecificCause(failure);
		assertThat(cause).as(failure.toString()).isInstanceOf(InvalidSettingException.class);
		return (InvalidSettingException) cause;
	}

}
