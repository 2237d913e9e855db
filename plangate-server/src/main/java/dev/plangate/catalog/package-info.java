/**
 * Features and plans as code: the catalog file, plan versions, the public plan list and
 * the admin plan API.
 */
@NullMarked
package dev.plangate.catalog;

import org.jspecify.annotations.NullMarked;
