package dev.plangate.identity.token;

import java.io.IOException;
import java.util.Optional;

import org.jspecify.annotations.Nullable;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.filter.OncePerRequestFilter;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * Authenticates {@code Authorization: Bearer …} credentials of one kind (server keys,
 * access tokens, personal keys), told apart by their shape. A request that another filter
 * authenticated already, or that carries another kind, goes on as it is.
 */
public abstract class BearerAuthenticationFilter extends OncePerRequestFilter {

	@Override
	protected final void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		var header = request.getHeader("Authorization");
		if (header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)
				&& SecurityContextHolder.getContext().getAuthentication() == null) {
			var presented = header.substring(7).strip();
			if (handles(presented)) {
				var authentication = authenticate(presented);
				if (authentication.isPresent()) {
					var context = SecurityContextHolder.createEmptyContext();
					context.setAuthentication(authentication.get());
					SecurityContextHolder.setContext(context);
				}
				else if (invalidAttribute() != null) {
					request.setAttribute(invalidAttribute(), Boolean.TRUE);
				}
			}
		}
		chain.doFilter(request, response);
	}

	/** Whether the credential has this filter's shape. */
	protected abstract boolean handles(String presented);

	protected abstract Optional<? extends Authentication> authenticate(String presented);

	/**
	 * The request attribute that marks a credential of this shape that is not valid, so
	 * that the answer can say so; null to mark nothing.
	 */
	protected abstract @Nullable String invalidAttribute();

}
