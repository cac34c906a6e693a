# A .00cfg section (control-flow-guard linker data), the other leftover the
# image tool must neutralise.
    .section .00cfg,"dr"
    .quad 0
    .quad 0
