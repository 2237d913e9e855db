package dev.plangate.identity.token;

import java.io.IOException;
import java.util.List;
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
 * Authenticates {@code Authorization: Bearer …}: the credential is offered to each kind
 * (server keys, access tokens, personal keys), told apart by their shape, in order, until
 * one authenticates it. A request that is authenticated already, or whose credential no
 * kind accepts, goes on as it is. One filter for every kind, so that a request reads its
 * header (which the firewall checks at each read) and passes a filter once, not once a
 * kind.
 */
public final class BearerAuthenticationFilter extends OncePerRequestFilter {

	private final List<Credentials> kinds;

	public BearerAuthenticationFilter(Credentials... kinds) {
		this.kinds = List.of(kinds);
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		var header = request.getHeader("Authorization");
		if (header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)
				&& SecurityContextHolder.getContext().getAuthentication() == null) {
			authenticate(request, header.substring(7).strip());
		}
		chain.doFilter(request, response);
	}

	private void authenticate(HttpServletRequest request, String presented) {
		for (var kind : kinds) {
			if (!kind.handles(presented)) {
				continue;
			}
			var authentication = kind.authenticate(presented);
			if (authentication.isPresent()) {
				var context = SecurityContextHolder.createEmptyContext();
				context.setAuthentication(authentication.get());
				SecurityContextHolder.setContext(context);
				return;
			}
			var invalid = kind.invalidAttribute();
			if (invalid != null) {
				request.setAttribute(invalid, Boolean.TRUE);
			}
		}
	}

	/** One kind of bearer credential. */
	public interface Credentials {

		/** Whether the credential has this kind's shape. */
		boolean handles(String presented);

		Optional<? extends Authentication> authenticate(String presented);

		/**
		 * The request attribute that marks a credential of this shape that is not valid,
		 * so that the answer can say so; null to mark nothing.
		 */
		@Nullable String invalidAttribute();

	}

}
