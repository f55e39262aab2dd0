// SPDX-License-Identifier: GPL-2.0-only
/*
 * The kernel file through the architecture's image types (ld_arch.types[],
 * as kexec-tools' file_type[]): the first whose probe takes it.
 */
#include <stdio.h>
#include <string.h>

#include "ld.h"

int ld_image_probe(const struct ld_image_type *types, unsigned int ntypes,
		   const char *type, const void *buf, size_t len,
		   struct ld_image *img)
{
	char why[sizeof(img->why)] = "";
	size_t used = 0;
	unsigned int i, tried = 0;
	int err = LD_ERR_INVAL, first = LD_OK;

	if (!img)
		return LD_ERR_INVAL;
	memset(img, 0, sizeof(*img));
	if (!buf || !types) {
		snprintf(img->why, sizeof(img->why), "no kernel file or no image types");
		return LD_ERR_INVAL;
	}
	for (i = 0; i < ntypes; i++) {
		if (type && strcmp(type, types[i].name))
			continue;
		memset(img, 0, sizeof(*img));
		err = types[i].probe(buf, len, img);
		if (!err) {
			/* the type filled the rest; the file is the same for all */
			img->type = &types[i];
			img->file = buf;
			img->size = len;
			return LD_OK;
		}
		if (!tried++)
			first = err;
		if (used < sizeof(why))
			used += (size_t)snprintf(why + used, sizeof(why) - used, "%s%s: %s (%s)",
						 used ? "; " : "", types[i].name,
						 ld_errname(err), img->why);
	}
	if (!tried) {
		snprintf(img->why, sizeof(img->why), "no image type '%s'", type);
		return LD_ERR_INVAL;
	}
	if (tried == 1)
		return first;	/* its own code and why, as the type said them */
	snprintf(img->why, sizeof(img->why), "%s", why);
	return LD_ERR_IMAGE_TYPE;
}
