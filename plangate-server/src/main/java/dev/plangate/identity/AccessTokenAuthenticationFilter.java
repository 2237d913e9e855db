package dev.plangate.identity;

import java.io.IOException;
import java.util.regex.Pattern;

import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.filter.OncePerRequestFilter;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * Authenticates {@code Authorization: Bearer <access token>}: a bearer shaped as a
 * compact JWS (three base64url parts; {@code pg_…} keys never are). A token that is not
 * valid (bad signature, expired, revoked, not Plangate's) leaves the request
 * unauthenticated and marked, so that an endpoint needing a credential answers 401
 * {@code invalid_token}, while public ones (login, refresh) still work.
 */
class AccessTokenAuthenticationFilter extends OncePerRequestFilter {

	/** Set on a request that carried a token that is not valid. */
	static final String INVALID_TOKEN = AccessTokenAuthenticationFilter.class.getName() + ".invalid";

	private static final Pattern JWS_SHAPE = Pattern.compile("[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]*");

	private final AccessTokens tokens;

	AccessTokenAuthenticationFilter(AccessTokens tokens) {
		this.tokens = tokens;
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		var header = request.getHeader("Authorization");
		if (header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)
				&& SecurityContextHolder.getContext().getAuthentication() == null) {
			var token = header.substring(7).strip();
			if (JWS_SHAPE.matcher(token).matches()) {
				var claims = tokens.authenticate(token);
				if (claims.isPresent()) {
					var context = SecurityContextHolder.createEmptyContext();
					context.setAuthentication(new TokenAuthentication(new TokenPrincipal(claims.get())));
					SecurityContextHolder.setContext(context);
				}
				else {
					request.setAttribute(INVALID_TOKEN, Boolean.TRUE);
				}
			}
		}
		chain.doFilter(request, response);
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
