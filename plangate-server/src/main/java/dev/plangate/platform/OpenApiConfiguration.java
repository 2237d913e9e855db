package dev.plangate.platform;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.info.License;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;

/** The API document's cover: what Plangate is, how to authenticate, how errors look. */
@Configuration(proxyBeanMethods = false)
class OpenApiConfiguration {

	static final String SERVER_KEY = "serverKey";

	@Bean
	OpenAPI plangateOpenApi() {
		return new OpenAPI()
			.info(new Info().title("Plangate API")
				.version("v1")
				.license(new License().name("Apache-2.0").url("https://www.apache.org/licenses/LICENSE-2.0"))
				.description("""
						Plans, entitlements and limits for SaaS products.

						Authenticate with a server key: `Authorization: Bearer pg_sk_…`. Only the plan list is public.

						Every error is `application/problem+json` (RFC 9457) with a stable `code` member and, for bad \
						input, `errors: [{field, message}]`. POST and DELETE accept an `Idempotency-Key` header."""))
			.components(new Components().addSecuritySchemes(SERVER_KEY,
					new SecurityScheme().type(SecurityScheme.Type.HTTP)
						.scheme("bearer")
						.bearerFormat("pg_sk_…")
						.description("A server API key")))
			.addSecurityItem(new SecurityRequirement().addList(SERVER_KEY));
	}

}
