/*
 * driverspecs.h - SAL 2 and driver annotations, as no-ops.
 *
 * ndiskit's headers carry the annotations the WDK documents for each DDI
 * (_In_, _Out_writes_bytes_, _IRQL_requires_max_, ...) so the declarations
 * read like the reference pages and so sources written against the WDK keep
 * their annotations.  No compiler we use evaluates them; they expand to
 * nothing on both targets.  When the real WDK's sal.h is already in scope
 * (a mixed build) we leave its definitions alone.
 */
#ifndef NDISKIT_DRIVERSPECS_H
#define NDISKIT_DRIVERSPECS_H

#ifndef _In_
#define _In_
#define _In_opt_
#define _Inout_
#define _Inout_opt_
#define _Out_
#define _Out_opt_
#define _In_z_
#define _In_opt_z_
#define _Outptr_
#define _Outptr_opt_
#define _Outptr_result_maybenull_
#define _Outptr_result_bytebuffer_(n)
#define _Outptr_result_bytebuffer_maybenull_(n)
#define _Outptr_opt_result_bytebuffer_(n)
#define _Outptr_opt_result_maybenull_
#define _In_reads_(n)
#define _In_reads_opt_(n)
#define _In_reads_bytes_(n)
#define _In_reads_bytes_opt_(n)
#define _Out_writes_(n)
#define _Out_writes_opt_(n)
#define _Out_writes_bytes_(n)
#define _Out_writes_bytes_opt_(n)
#define _Out_writes_bytes_all_(n)
#define _Out_writes_bytes_to_(n, m)
#define _Inout_updates_(n)
#define _Inout_updates_bytes_(n)
#define _Inout_updates_bytes_opt_(n)
#define _Field_size_(n)
#define _Field_size_opt_(n)
#define _Field_size_bytes_(n)
#define _Field_size_bytes_opt_(n)
#define _Field_size_bytes_part_(n, m)
#define _Field_range_(a, b)
#define _Field_z_
#define _Must_inspect_result_
#define _Success_(e)
#define _Ret_maybenull_
#define _Ret_range_(a, b)
#define _Post_writable_byte_size_(n)
#define _Post_invalid_
#define _Pre_notnull_
#define _Reserved_
#define _Strict_type_match_
#define _Analysis_assume_(e)
#define _Check_return_
#define _Printf_format_string_
#define _Null_terminated_
#define _When_(c, a)
#define _At_(t, a)
#define _Frees_ptr_
#define _Frees_ptr_opt_
#define _Inexpressible_(e)
#endif

/* Used by ntstrsafe.h (issue 14). */
#ifndef _In_reads_or_z_
#define _In_reads_or_z_(n)
#endif

#ifndef _IRQL_requires_max_
#define _IRQL_requires_max_(irql)
#define _IRQL_requires_min_(irql)
#define _IRQL_requires_(irql)
#define _IRQL_requires_same_
#define _IRQL_raises_(irql)
#define _IRQL_saves_
#define _IRQL_restores_
#define _IRQL_saves_global_(kind, param)
#define _IRQL_restores_global_(kind, param)
#define _IRQL_always_function_max_(irql)
#define _IRQL_always_function_min_(irql)
#define _Requires_lock_held_(lock)
#define _Requires_lock_not_held_(lock)
#define _Acquires_lock_(lock)
#define _Releases_lock_(lock)
#define _Acquires_exclusive_lock_(lock)
#define _Releases_exclusive_lock_(lock)
#define _Function_class_(name)
#define _Dispatch_type_(type)
#define _Kernel_requires_resource_held_(r)
#define _Kernel_clear_do_init_(yesno)
#define _Kernel_float_saved_
#define _Kernel_float_restored_
#define _Use_decl_annotations_
#define _Enum_is_bitflag_
#define __drv_aliasesMem
#define __drv_allocatesMem(kind)
#define __drv_freesMem(kind)
#define __drv_maxIRQL(irql)
#define __drv_dispatchType(type)
#define __drv_when(c, a)
#endif

#endif /* NDISKIT_DRIVERSPECS_H */
