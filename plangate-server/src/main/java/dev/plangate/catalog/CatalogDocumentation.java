package dev.plangate.catalog;

import java.util.List;

import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.swagger.v3.oas.models.media.BooleanSchema;
import io.swagger.v3.oas.models.media.NumberSchema;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.media.StringSchema;

/**
 * Writes out the schema of an entitlement value, which is any of a boolean, a number, a
 * text or the long form: the one schema annotations cannot say without also calling it an
 * object.
 */
@Configuration(proxyBeanMethods = false)
class CatalogDocumentation {

	@Bean
	OpenApiCustomizer entitlementValueSchema() {
		return openApi -> {
			var schemas = openApi.getComponents() == null ? null : openApi.getComponents().getSchemas();
			if (schemas == null || !schemas.containsKey("EntitlementValue")) {
				return;
			}
			schemas.put("EntitlementValue", new Schema<>()
				.description("What a plan grants for one feature (docs/catalog.md#entitlement-values): `true`/`false` "
						+ "for a switch; an integer of at least 0 or `unlimited` for a quota, rate or concurrency "
						+ "feature; the value of a setting (a number, `unlimited`, a text, one of an enum's values); "
						+ "or the long form")
				.anyOf(List.of(new BooleanSchema(), new NumberSchema(), new StringSchema(),
						new Schema<>().$ref("#/components/schemas/CatalogEntitlement"))));
		};
	}

}
