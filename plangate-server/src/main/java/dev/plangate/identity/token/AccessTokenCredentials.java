package dev.plangate.identity.token;

import java.util.Optional;
import java.util.regex.Pattern;

import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.core.authority.SimpleGrantedAuthority;

/**
 * Access tokens as bearer credentials, {@code Authorization: Bearer <access token>}: a
 * bearer shaped as a compact JWS (three base64url parts; {@code pg_…} keys never are). A
 * token that is not valid (bad signature, expired, revoked, not Plangate's) leaves the
 * request unauthenticated and marked, so that an endpoint needing a credential answers
 * 401 {@code invalid_token}, while public ones (login, refresh) still work.
 */
public class AccessTokenCredentials implements BearerAuthenticationFilter.Credentials {

	/** Set on a request that carried a token that is not valid. */
	public static final String INVALID_TOKEN = AccessTokenCredentials.class.getName() + ".invalid";

	private static final Pattern JWS_SHAPE = Pattern.compile("[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]*");

	private final AccessTokens tokens;

	public AccessTokenCredentials(AccessTokens tokens) {
		this.tokens = tokens;
	}

	@Override
	public boolean handles(String presented) {
		return JWS_SHAPE.matcher(presented).matches();
	}

	@Override
	public Optional<TokenAuthentication> authenticate(String presented) {
		return tokens.authenticate(presented).map(claims -> new TokenAuthentication(new TokenPrincipal(claims)));
	}

	@Override
	public String invalidAttribute() {
		return INVALID_TOKEN;
	}

	static final class TokenAuthentication extends AbstractAuthenticationToken {

		private final TokenPrincipal principal;

		TokenAuthentication(TokenPrincipal principal) {
			super(principal.authorities().stream().map(SimpleGrantedAuthority::new).toList());
			this.principal = principal;
			setAuthenticated(true);
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
