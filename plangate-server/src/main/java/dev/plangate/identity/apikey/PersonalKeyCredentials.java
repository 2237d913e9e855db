package dev.plangate.identity.apikey;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Optional;
import java.util.UUID;

import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.core.authority.SimpleGrantedAuthority;

import dev.plangate.identity.token.AccessClaims;
import dev.plangate.identity.token.BearerAuthenticationFilter;
import dev.plangate.identity.token.TokenKind;
import dev.plangate.identity.token.TokenPrincipal;

/**
 * Personal API keys as bearer credentials, {@code Authorization: Bearer pg_pk_…}: the
 * caller acts as the key's account, like its access token would, but holds only
 * {@code ROLE_PERSONAL_KEY} (and {@code ROLE_PERSONAL_KEY_WRITE} with the write scope),
 * which the security configuration lets through on {@code /v1/me/**} only. A personal key
 * that is not valid (unknown, revoked, expired, its account suspended) leaves the request
 * unauthenticated and marked.
 */
public class PersonalKeyCredentials implements BearerAuthenticationFilter.Credentials {

	/** Set on a request that carried a personal key that is not valid. */
	public static final String INVALID_KEY = PersonalKeyCredentials.class.getName() + ".invalid";

	static final String WRITE_ROLE = "ROLE_PERSONAL_KEY_WRITE";

	/** What a key that does not expire says as its expiry in the principal's claims. */
	private static final Instant NEVER = Instant.parse("9999-12-31T23:59:59Z");

	private final PersonalApiKeyService keys;

	public PersonalKeyCredentials(PersonalApiKeyService keys) {
		this.keys = keys;
	}

	@Override
	public boolean handles(String presented) {
		return presented.startsWith(ApiKeyKind.PERSONAL.prefix());
	}

	@Override
	public Optional<PersonalKeyAuthentication> authenticate(String presented) {
		return keys.authenticate(presented).map(PersonalKeyAuthentication::new);
	}

	@Override
	public String invalidAttribute() {
		return INVALID_KEY;
	}

	/**
	 * The principal is a {@link TokenPrincipal} of the account, so that every
	 * {@code /v1/me/**} endpoint answers for it as for its access token; it has no
	 * session.
	 */
	public static final class PersonalKeyAuthentication extends AbstractAuthenticationToken {

		private final TokenPrincipal principal;

		private final PersonalApiKey key;

		PersonalKeyAuthentication(PersonalApiKeyRepository.Owned owned) {
			super(authorities(owned.key()));
			var key = owned.key();
			this.key = key;
			this.principal = new TokenPrincipal(new AccessClaims(key.accountId().toString(), owned.customerId(),
					owned.role().ids(), null, null, "personal_key:" + key.id(), key.createdAt(),
					key.expiresAt() == null ? NEVER : key.expiresAt(), TokenKind.ACCOUNT));
			setAuthenticated(true);
		}

		private static ArrayList<SimpleGrantedAuthority> authorities(PersonalApiKey key) {
			var authorities = new ArrayList<SimpleGrantedAuthority>();
			authorities.add(new SimpleGrantedAuthority(ApiKeyKind.PERSONAL.role()));
			if (key.mayWrite()) {
				authorities.add(new SimpleGrantedAuthority(WRITE_ROLE));
			}
			return authorities;
		}

		UUID keyId() {
			return key.id();
		}

		@Override
		public Object getCredentials() {
			return "";
		}

		@Override
		public TokenPrincipal getPrincipal() {
			return principal;
		}

	}

}
