/*
 * sal.h - Microsoft's source annotations (SAL 2 and the older __in/__out
 * spellings) as no-ops, so annotated tool sources compile unchanged.  The
 * SAL 2 names are the kernel headers' list (include/driverspecs.h), shared
 * rather than repeated; the rest are the ones user-mode sources add.
 */
#ifndef NDISKIT_CLIENT_SAL_H
#define NDISKIT_CLIENT_SAL_H

#include "../../../include/driverspecs.h"

#ifndef _In_reads_z_
#define _In_reads_z_(n)
#endif
#ifndef _In_reads_bytes_opt_
#define _In_reads_bytes_opt_(n)
#endif
#ifndef _Out_writes_z_
#define _Out_writes_z_(n)
#define _Out_writes_to_(n, m)
#define _Out_writes_to_opt_(n, m)
#define _Out_writes_all_(n)
#define _Out_writes_bytes_to_opt_(n, m)
#define _Inout_z_
#define _Inout_updates_opt_(n)
#define _Inout_updates_z_(n)
#define _In_range_(a, b)
#define _Out_range_(a, b)
#define _Ret_z_
#define _Ret_notnull_
#define _Ret_writes_(n)
#define _Ret_writes_bytes_(n)
#define _Deref_out_
#define _Deref_out_opt_
#define _Outptr_result_z_
#define _Outptr_result_buffer_(n)
#define _Outptr_opt_result_z_
#define _Pre_
#define _Post_
#define _Pre_z_
#define _Post_z_
#define _Notnull_
#define _Maybenull_
#define _Valid_
#define _Printf_format_string_params_(n)
#define _Scanf_format_string_
#define _Scanf_s_format_string_
#define _Format_string_impl_(kind, where)
#define _Param_(n)
#define _Out_z_cap_(n)
#define _Use_decl_annotations_
#define _Always_(a)
#define _Pre_satisfies_(e)
#define _Post_satisfies_(e)
#define _Return_type_success_(e)
#define _Result_nullonfailure_
#define _Result_zeroonfailure_
#define _Check_return_opt_
#define _CRT_SECURE_NO_WARNINGS_ANNOTATION
#endif

/* The pre-SAL-2 spellings (Visual Studio 2005 style). */
#ifndef __in
#define __in
#define __in_opt
#define __out
#define __out_opt
#define __inout
#define __inout_opt
#define __in_z
#define __in_opt_z
#define __in_ecount(n)
#define __in_bcount(n)
#define __in_ecount_opt(n)
#define __in_bcount_opt(n)
#define __out_ecount(n)
#define __out_bcount(n)
#define __out_ecount_opt(n)
#define __out_bcount_opt(n)
#define __out_ecount_part(n, m)
#define __out_bcount_part(n, m)
#define __inout_ecount(n)
#define __inout_bcount(n)
#define __deref_out
#define __deref_out_opt
#define __checkReturn
#define __success(e)
#define __reserved
#define __nullterminated
#define __format_string
#endif

#endif
