package dev.plangate.identity;

import java.util.Arrays;
import java.util.List;

import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;

import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;

/**
 * The API document names, for every operation, the credentials
 * {@link SecurityConfiguration} lets through, so that a generated client knows which one
 * to send: a server key for the product's backend, a worker key for the worker API, an
 * end user's access token (or personal API key) for {@code /v1/me/…}, nothing for the
 * public operations.
 */
@Configuration(proxyBeanMethods = false)
class SecurityDocumentation {

	static final String SERVER_KEY = "serverKey";

	static final String WORKER_KEY = "workerKey";

	static final String ACCESS_TOKEN = "accessToken";

	static final String PERSONAL_KEY = "personalKey";

	/** The paths of the account's own security, which a personal key may not call. */
	private static final List<String> ACCOUNT_SECURITY = List.of("/v1/me/api-keys", "/v1/me/password", "/v1/me/email",
			"/v1/me/two-factor", "/v1/me/sessions");

	/**
	 * Before the platform's answers, which document 401 and 403 where a credential is
	 * needed.
	 */
	@Bean
	@Order(0)
	OpenApiCustomizer credentialsPerOperation() {
		return openApi -> {
			openApi.getComponents()
				.addSecuritySchemes(WORKER_KEY, bearer("pg_wk_…", "A worker key: the worker API (`/v1/worker/…`) only"))
				.addSecuritySchemes(ACCESS_TOKEN,
						bearer("JWT",
								"An end user's access token: an account's, from `/v1/auth/login`, or a "
										+ "customer-scoped one minted with `/v1/customer-tokens`"))
				.addSecuritySchemes(PERSONAL_KEY,
						bearer("pg_pk_…",
								"An account's personal API key: `/v1/me/…` (GET only without the `write` scope), "
										+ "not the account's own security"));
			if (openApi.getPaths() == null) {
				return;
			}
			openApi.getPaths()
				.forEach((path, item) -> item.readOperationsMap()
					.forEach((method, operation) -> secure(path, method.name(), operation)));
		};
	}

	private static void secure(String path, String method, Operation operation) {
		if (path.equals("/v1/auth/logout")) {
			// the one operation of /v1/auth that is not public: it ends the token's
			// session
			operation.setSecurity(List.of(requirement(ACCESS_TOKEN)));
		}
		else if (operation.getSecurity() != null && operation.getSecurity().isEmpty()) {
			return; // public, as the operation itself declares
		}
		else if (path.equals("/v1/me") || path.startsWith("/v1/me/")) {
			boolean accountSecurity = ACCOUNT_SECURITY.stream()
				.anyMatch(prefix -> path.equals(prefix) || path.startsWith(prefix + "/"))
					|| path.matches("/v1/me/organizations/[^/]+/token");
			operation.setSecurity(accountSecurity ? List.of(requirement(ACCESS_TOKEN))
					: List.of(requirement(ACCESS_TOKEN), requirement(PERSONAL_KEY)));
		}
		else if (path.equals("/v1/admin/impersonations") && "POST".equalsIgnoreCase(method)) {
			// an impersonation names the operator: a server key names no one
			operation.setSecurity(List.of(requirement(ACCESS_TOKEN)));
		}
		else if (path.startsWith("/v1/admin/accounts") || path.startsWith("/v1/admin/impersonations")
				|| Arrays.asList(SecurityConfiguration.SUPPORT_READABLE_STATS).contains(path)) {
			operation.setSecurity(List.of(requirement(SERVER_KEY), requirement(ACCESS_TOKEN)));
		}
		else if (path.startsWith("/v1/worker/")) {
			operation.setSecurity(List.of(requirement(WORKER_KEY), requirement(SERVER_KEY)));
		}
		else {
			operation.setSecurity(List.of(requirement(SERVER_KEY)));
		}
	}

	private static SecurityRequirement requirement(String scheme) {
		return new SecurityRequirement().addList(scheme);
	}

	private static SecurityScheme bearer(String format, String description) {
		return new SecurityScheme().type(SecurityScheme.Type.HTTP)
			.scheme("bearer")
			.bearerFormat(format)
			.description(description);
	}

}
