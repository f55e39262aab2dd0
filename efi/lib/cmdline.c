// SPDX-License-Identifier: GPL-2.0-only
/*
 * Bounded command line appends (ho/cmdline.h): " key=value" added to a
 * NUL-terminated buffer, or nothing changed when it does not fit.
 */
#include "internal.h"
#include "ho/cmdline.h"

int ho_cmdline_append(char *buf, size_t size, const char *key,
		      const char *value)
{
	size_t len, klen, vlen, sep;

	if (!buf || !size || !key || !value)
		return HO_ERR_INVAL;
	len = ho_strnlen(buf, size);
	if (len == size)
		return HO_ERR_INVAL;	/* not terminated */
	klen = ho_strlen(key);
	vlen = ho_strlen(value);
	sep = len ? 1 : 0;
	if (klen + vlen + 1 + sep >= size - len)
		return HO_ERR_NO_SPACE;
	if (sep)
		buf[len++] = ' ';
	ho_memcpy(buf + len, key, klen);
	buf[len + klen] = '=';
	ho_memcpy(buf + len + klen + 1, value, vlen + 1);
	return HO_OK;
}

int ho_cmdline_append_u64(char *buf, size_t size, const char *key,
			  uint64_t value)
{
	char num[24];
	struct ho_sbuf sb;

	ho_sb_init(&sb, num, sizeof(num));
	ho_sb_dec(&sb, value);
	return ho_cmdline_append(buf, size, key, num);
}
