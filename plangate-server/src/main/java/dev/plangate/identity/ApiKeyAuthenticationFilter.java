package dev.plangate.identity;

import java.io.IOException;
import java.util.List;

import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.filter.OncePerRequestFilter;

import dev.plangate.platform.Actor;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * Authenticates {@code Authorization: Bearer pg_sk_…}. Requests without it go on
 * unauthenticated.
 */
class ApiKeyAuthenticationFilter extends OncePerRequestFilter {

	private final ApiKeyService keys;

	ApiKeyAuthenticationFilter(ApiKeyService keys) {
		this.keys = keys;
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		var header = request.getHeader("Authorization");
		if (header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)) {
			keys.authenticate(header.substring(7).strip()).ifPresent(key -> {
				var context = SecurityContextHolder.createEmptyContext();
				context.setAuthentication(new ServerKeyAuthentication(new ServerKeyPrincipal(key)));
				SecurityContextHolder.setContext(context);
			});
		}
		chain.doFilter(request, response);
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
