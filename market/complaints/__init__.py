"""Workers' wage-arrears complaints (一点举报 全市联动): a worker files one, the labour bureau works its queue."""
