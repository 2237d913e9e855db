package dev.plangate.identity.apikey;

import java.util.List;
import java.util.Optional;

import org.jspecify.annotations.Nullable;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.core.authority.SimpleGrantedAuthority;

import dev.plangate.identity.token.BearerAuthenticationFilter;
import dev.plangate.platform.Actor;

/**
 * Server and worker keys as bearer credentials: {@code Authorization: Bearer pg_sk_…} (or
 * {@code pg_wk_…}). Requests without one go on unauthenticated.
 */
public class ServerKeyCredentials implements BearerAuthenticationFilter.Credentials {

	private final ApiKeyService keys;

	public ServerKeyCredentials(ApiKeyService keys) {
		this.keys = keys;
	}

	@Override
	public boolean handles(String presented) {
		return true;
	}

	@Override
	public Optional<ServerKeyAuthentication> authenticate(String presented) {
		return keys.authenticate(presented).map(key -> new ServerKeyAuthentication(new ServerKeyPrincipal(key)));
	}

	@Override
	public @Nullable String invalidAttribute() {
		return null;
	}

	/** The caller is the product's backend (a server key) or one of its workers. */
	record ServerKeyPrincipal(ApiKey key) implements Actor.Principal {

		@Override
		public String actorName() {
			return "api_key:" + key.prefix();
		}
	}

	static final class ServerKeyAuthentication extends AbstractAuthenticationToken {

		private final ServerKeyPrincipal principal;

		ServerKeyAuthentication(ServerKeyPrincipal principal) {
			super(List.of(new SimpleGrantedAuthority(principal.key().kind().role())));
			this.principal = principal;
			setAuthenticated(true);
		}

		@Override
		public Object getCredentials() {
			return "";
		}

		@Override
		public ServerKeyPrincipal getPrincipal() {
			return principal;
		}

	}

}
