package dev.plangate.identity.apikey;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import dev.plangate.platform.Settings;

/**
 * The first server key and the lookup cache ({@code plangate.*}).
 *
 * @param bootstrapApiKey the first server key, for automated deployments, used only while
 * the database has no key. It must be a Plangate key ({@code pg_sk_} + 36 characters with
 * a valid checksum); a weak or malformed one stops start-up, and the error prints a
 * freshly generated key you may use
 * @param apiKeyCacheTtl how long a node trusts a key lookup: a key revoked on another
 * node stops working within this time (at once on the node that revoked it); {@code 0s}
 * asks the database every time
 */
@ConfigurationProperties("plangate")
record ApiKeySettings(@DefaultValue("") String bootstrapApiKey, @DefaultValue("10s") Duration apiKeyCacheTtl) {

	ApiKeySettings {
		bootstrapApiKey = bootstrapApiKey.strip();
		if (!bootstrapApiKey.isEmpty()) {
			// the key itself is never repeated
			ApiKeySecret.weakness(bootstrapApiKey).ifPresent(why -> {
				throw Settings.invalid("plangate.bootstrap-api-key", "is refused: " + why
						+ ". Use a generated key, for example this fresh one: " + ApiKeySecret.generate().text());
			});
		}
		Settings.notNegative("plangate.api-key-cache-ttl", apiKeyCacheTtl);
	}

	/** Without the key. */
	@Override
	public String toString() {
		return "ApiKeySettings[bootstrapApiKey=" + (bootstrapApiKey.isEmpty() ? "" : "(set)") + ", apiKeyCacheTtl="
				+ apiKeyCacheTtl + "]";
	}

}
